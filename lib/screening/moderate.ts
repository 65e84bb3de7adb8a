// Safety screening through the project's moderation source: OpenAI's /moderations, or a Llama Guard–style chat model
// ("safe" / "unsafe\nS1,S2"). The `moderate` job judges due texts; a source that fails is retried with backoff, then reported.
import "server-only";
import OpenAI from "openai";
import { z } from "zod";
import { getDb } from "@/db/client";
import { getProjectById } from "@/db/queries/projects";
import * as qs from "@/db/queries/screenings";
import { listSourcesByIds } from "@/db/queries/sources";
import type { ModelSource, Project } from "@/db/schema";
import { assertRole, type AnyActor } from "@/lib/auth/roles";
import { projectBySlugOr404 } from "@/lib/projects/projects";
import { endpointOf } from "@/lib/sources/sources";

export type ModerationMode = "moderations" | "llama-guard";
export type Verdict = { flagged: boolean; categories: string[] };

/** Tries per text before it is marked failed; the waits between them double from `baseSeconds` (lib/db: at most an hour). */
export const MODERATION_POLICY = { maxAttempts: 6, baseSeconds: 10, batch: 20 };

/** Llama Guard 3's hazard taxonomy (MLCommons), by the codes the model answers with. */
export const LLAMA_GUARD_CATEGORIES: Record<string, string> = {
  S1: "violent crimes", S2: "non-violent crimes", S3: "sex-related crimes", S4: "child sexual exploitation", S5: "defamation",
  S6: "specialized advice", S7: "privacy", S8: "intellectual property", S9: "indiscriminate weapons", S10: "hate",
  S11: "suicide & self-harm", S12: "sexual content", S13: "elections", S14: "code interpreter abuse",
};

/** A Llama Guard answer: first line safe or unsafe, then the violated categories, comma-separated. Anything else is malformed. */
export function parseLlamaGuard(text: string): Verdict {
  const [head, cats = ""] = text.trim().split(/\r?\n/, 2);
  const verdict = head.trim().toLowerCase();
  if (verdict === "safe") return { flagged: false, categories: [] };
  if (verdict !== "unsafe") throw new Error(`moderation model answered "${text.slice(0, 60)}", not safe/unsafe`);
  const codes = cats.split(/[,\s]+/).map((c) => c.trim().toUpperCase()).filter(Boolean);
  return { flagged: true, categories: codes.map((c) => (LLAMA_GUARD_CATEGORIES[c] ? `${c} ${LLAMA_GUARD_CATEGORIES[c]}` : c)) };
}

const moderationAnswer = z.object({ results: z.array(z.object({ flagged: z.boolean(), categories: z.record(z.string(), z.boolean().nullable()) })).min(1) });

/** One judgement: the prompt alone, or the reply in the context of its prompt. One try: retries are the job's, with backoff. */
export async function judge(source: ModelSource, mode: ModerationMode, prompt: string, reply: string | null): Promise<Verdict> {
  const endpoint = endpointOf(source);
  const client = new OpenAI({ baseURL: endpoint.baseUrl, apiKey: endpoint.apiKey ?? "no-key", maxRetries: 0, timeout: endpoint.settings.timeoutS * 1000, logLevel: "off", organization: null, project: null });
  if (mode === "moderations") {
    const raw: unknown = await client.moderations.create({ model: endpoint.model, input: reply ?? prompt });
    const r = moderationAnswer.parse(raw).results[0];
    return { flagged: r.flagged, categories: Object.entries(r.categories).filter(([, v]) => v).map(([k]) => k).sort() };
  }
  const messages: OpenAI.ChatCompletionMessageParam[] = [{ role: "user", content: prompt }, ...(reply !== null ? [{ role: "assistant" as const, content: reply }] : [])];
  const answer = await client.chat.completions.create({ model: endpoint.model, messages, temperature: 0, max_tokens: 20 });
  return parseLlamaGuard(answer.choices[0]?.message?.content ?? "");
}

/** The `moderate` job: judges up to one batch of due texts; returns what it did. Never throws for a source's failure. */
export async function runModerationJob(policy = MODERATION_POLICY) {
  const db = getDb();
  const items = await qs.claimDueModeration(db, { limit: policy.batch, baseSeconds: policy.baseSeconds });
  const projects = new Map<string, { project: Project | null; source: ModelSource | null }>();
  const done = { judged: 0, flagged: 0, retrying: 0, failed: 0 };
  for (const item of items) {
    if (!projects.has(item.projectId)) {
      const project = await getProjectById(db, item.projectId);
      const id = project?.settings.moderationSourceId;
      const [source] = id ? await listSourcesByIds(db, [id]) : [];
      projects.set(item.projectId, { project, source: source && !source.removedAt ? source : null });
    }
    const { project, source } = projects.get(item.projectId)!;
    try {
      if (!source) throw new Error("the project's moderation source is not set or was removed");
      const v = await judge(source, project?.settings.moderationMode ?? "moderations", item.prompt, item.reply);
      await qs.setSafetyResult(db, item.id, { safety: v.flagged ? "flagged" : "safe", categories: v.categories });
      done.judged += 1;
      if (v.flagged) done.flagged += 1;
    } catch (e) {
      const last = item.attempts >= policy.maxAttempts;
      const message = `${source ? `${source.name}: ` : ""}${(e as Error).message}`.replace(/\s+/g, " ").slice(0, 300);
      await qs.setSafetyResult(db, item.id, { safety: last ? "failed" : "pending", error: message });
      if (last) done.failed += 1;
      else done.retrying += 1;
    }
  }
  return done;
}

/** What the admin page shows: texts waiting, judged, flagged and given up on, and the last error of one still failing. */
export async function moderationStatus(actor: AnyActor | null, projectSlug: string) {
  assertRole(actor, "admin");
  const db = getDb();
  const project = await projectBySlugOr404(db, projectSlug, "projectSlug");
  const s = await qs.moderationSummary(db, project.id);
  const [source] = project.settings.moderationSourceId ? await listSourcesByIds(db, [project.settings.moderationSourceId]) : [];
  return {
    source: source ? { id: source.id, name: source.name, model: source.model } : null,
    mode: project.settings.moderationMode ?? "moderations",
    pending: s.counts.pending ?? 0,
    safe: s.counts.safe ?? 0,
    flagged: s.counts.flagged ?? 0,
    failed: s.counts.failed ?? 0,
    lastError: s.lastError ? { error: s.lastError.error, attempts: Number(s.lastError.attempts), at: new Date(s.lastError.at).toISOString() } : null,
  };
}
