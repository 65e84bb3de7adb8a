// A model source drafts new tasks from seed tasks (Self-Instruct's prompt); novel ones enter as submitted prompts a reviewer must approve.
import "server-only";
import { getDb } from "@/db/client";
import { listInstructionsForNovelty, listSeedSample } from "@/db/queries/diversity";
import * as qp from "@/db/queries/prompts";
import { getSourceByName } from "@/db/queries/sources";
import { recordAudit } from "@/lib/audit";
import { assertRole, type AnyActor } from "@/lib/auth/roles";
import { closestByRougeL, NOVELTY_MAX_ROUGE_L, rougeTokens } from "@/lib/diversity/rouge";
import { AppError } from "@/lib/errors";
import { projectBySlugOr404 } from "@/lib/projects/projects";
import { screenStored } from "@/lib/screening/screen";
import { askChat, SourceCallError } from "@/lib/sources/chat-client";
import { endpointOf } from "@/lib/sources/sources";
import type { DraftFromSeedsInput } from "@/lib/validation/prompts";
import { NOVELTY_POOL } from "./from-seed";

/** Self-Instruct's instruction-generation prompt: k numbered seed tasks, then the next number for the model to fill. */
export function seedPrompt(seeds: string[]): string {
  return ["Come up with a series of tasks:", "", ...seeds.map((s, i) => `Task ${i + 1}: ${s.replace(/\s+/g, " ").trim()}`), `Task ${seeds.length + 1}:`].join("\n");
}

/** The first task in a reply: its first line, without a "Task n:" label; anything after the next label is dropped. */
export function firstTask(reply: string): string {
  const text = reply.replace(/^\s*Task\s*\d+\s*:\s*/i, "").split(/\n\s*Task\s*\d+\s*:/i)[0];
  return text.split("\n")[0].trim().slice(0, 2000);
}

export type DraftOutcome = { asked: number; kept: Array<{ id: string; instruction: string; rougeL: number }>; tooSimilar: number; empty: number; failed: number; lastError: string | null };

/**
 * Asks the project's model source `n` times, each with `k` random seed tasks. A reply's task is kept when it is at least
 * 10 characters and its ROUGE-L F with every existing instruction (and every task kept earlier in the batch) is at most
 * 0.7; kept tasks are written in one transaction as submitted prompts (source "model", no author), so they wait in the
 * review queue and train nothing until a reviewer approves them. A failing source is counted, never a 500.
 */
export async function draftTasksFromSeeds(actor: AnyActor, input: DraftFromSeedsInput): Promise<DraftOutcome> {
  const who = assertRole(actor, "admin");
  const db = getDb();
  const project = await projectBySlugOr404(db, input.projectSlug, "projectSlug");
  const source = await getSourceByName(db, project.id, input.source);
  if (!source) throw new AppError("not_found:source", `No model source "${input.source}" in "${project.slug}".`, { source: ["Unknown source"] });
  const endpoint = endpointOf(source);
  const pool = (await listInstructionsForNovelty(db, { projectId: project.id, limit: NOVELTY_POOL })).map((p) => ({ instruction: p.instruction, tokens: rougeTokens(p.instruction) }));
  const out: DraftOutcome = { asked: 0, kept: [], tooSimilar: 0, empty: 0, failed: 0, lastError: null };
  const keep: Array<{ instruction: string; rougeL: number }> = [];
  for (let i = 0; i < input.n; i++) {
    const seeds = await listSeedSample(db, { projectId: project.id, auditIds: project.settings.seedImports ?? [], k: input.k });
    if (!seeds.length) throw new AppError("bad_request:prompt", `"${project.slug}" has no seed tasks to draft from.`, { projectSlug: ["No seed tasks (approved prompts or seed imports)"] });
    out.asked += 1;
    let reply: string;
    try {
      reply = (await askChat(endpoint, seedPrompt(seeds.map((s) => s.instruction)), { maxTokens: 200 })).text;
    } catch (e) {
      if (!(e instanceof SourceCallError)) throw e;
      out.failed += 1;
      out.lastError = e.message;
      continue;
    }
    const task = firstTask(reply);
    if (task.length < 10) {
      out.empty += 1;
      continue;
    }
    const best = closestByRougeL(task, pool);
    if (best && best.fmeasure > NOVELTY_MAX_ROUGE_L) {
      out.tooSimilar += 1;
      continue;
    }
    pool.push({ instruction: task, tokens: rougeTokens(task) });
    keep.push({ instruction: task, rougeL: best?.fmeasure ?? 0 });
  }
  if (!keep.length) return out;
  out.kept = await db.transaction(async (tx) => {
    const rows = [];
    for (const k of keep) {
      const p = await qp.insertPrompt(tx, { projectId: project.id, instruction: k.instruction, source: "model", status: "submitted", submittedAt: new Date() });
      rows.push({ id: p.id, instruction: k.instruction, rougeL: k.rougeL });
    }
    await screenStored(tx, { promptIds: rows.map((r) => r.id) });
    await recordAudit(tx, { actorId: who.id, action: "prompt.draft_from_seeds", targetType: "project", targetId: project.id, data: { source: source.name, asked: out.asked, kept: rows.length, tooSimilar: out.tooSimilar } });
    return rows;
  });
  return out;
}
