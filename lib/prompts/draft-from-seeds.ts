// A model source or one of the project's model versions drafts new tasks from seed tasks (Self-Instruct's prompt); novel
// ones enter as submitted prompts a reviewer must approve.
import "server-only";
import { getDb, type DbOrTx } from "@/db/client";
import { listInstructionsForNovelty, listSeedSample } from "@/db/queries/diversity";
import * as qp from "@/db/queries/prompts";
import { listModelVersions } from "@/db/queries/runs";
import { getSourceByName } from "@/db/queries/sources";
import type { Project } from "@/db/schema";
import { recordAudit } from "@/lib/audit";
import { assertRole, type AnyActor } from "@/lib/auth/roles";
import { closestByRougeL, NOVELTY_MAX_ROUGE_L, rougeTokens } from "@/lib/diversity/rouge";
import { AppError } from "@/lib/errors";
import { generateVersionOutputs } from "@/lib/launchers/external";
import { projectBySlugOr404 } from "@/lib/projects/projects";
import { holdsScreened } from "@/lib/screening/hold";
import { screenStored } from "@/lib/screening/screen";
import { askChat, SourceCallError } from "@/lib/sources/chat-client";
import { endpointOf } from "@/lib/sources/sources";
import { samplingOf } from "@/lib/validation/projects";
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

/** New tokens a draft may take: one task is a line or two. */
const DRAFT_TOKENS = 200;

type Reply = { text: string } | { error: string };
/** Who drafts, by the name the audit log records, and how a batch of prompts is put to it (one reply per prompt, in order). */
type Drafter = { kind: "source" | "version"; name: string; ask: (prompts: string[]) => Promise<Reply[]> };

/**
 * A model source is asked one request at a time (a failed call is that ask's error). A model version answers every ask in
 * one generation, as the generate job's: its checkpoint through the trainer in a child process, with the project's
 * sampling and the version's chat template, or the endpoint of a version a launcher registered; if that generation fails,
 * every ask in it failed with its reason.
 */
async function drafterOf(db: DbOrTx, project: Project, input: DraftFromSeedsInput): Promise<Drafter> {
  if (input.source) {
    const source = await getSourceByName(db, project.id, input.source);
    if (!source) throw new AppError("not_found:source", `No model source "${input.source}" in "${project.slug}".`, { source: ["Unknown source"] });
    const endpoint = endpointOf(source);
    return {
      kind: "source",
      name: source.name,
      ask: async (prompts) => {
        const out: Reply[] = [];
        for (const prompt of prompts) {
          try {
            out.push({ text: (await askChat(endpoint, prompt, { maxTokens: DRAFT_TOKENS })).text });
          } catch (e) {
            if (!(e instanceof SourceCallError)) throw e;
            out.push({ error: e.message });
          }
        }
        return out;
      },
    };
  }
  const label = input.version!;
  const versions = (await listModelVersions(db, project.id)).filter((v) => v.status === "ready" && v.kind === "policy");
  const version = label === "active" ? versions.find((v) => v.isActive) : versions.find((v) => v.label === label);
  if (!version) {
    const why = label === "active" ? "This project has no active version" : "Unknown version";
    throw new AppError("not_found:model", `${why}: "${label}" in "${project.slug}".`, { version: [why] });
  }
  const { temperature, topP } = samplingOf(project.settings);
  return {
    kind: "version",
    name: version.label,
    ask: async (prompts) => {
      try {
        const made = await generateVersionOutputs(version, prompts.map((instruction, i) => ({ id: String(i), instruction, input: null })), { n: 1, temperature, topP, maxTokens: DRAFT_TOKENS });
        return prompts.map((_, i) => ({ text: made.get(String(i))?.[0] ?? "" }));
      } catch (e) {
        return prompts.map(() => ({ error: (e as Error).message }));
      }
    },
  };
}

/**
 * Asks the project's model source or model version `n` times, each with `k` random seed tasks. A reply's task is kept when
 * it is at least 10 characters and its ROUGE-L F with every existing instruction (and every task kept earlier in the batch)
 * is at most 0.7; kept tasks are written in one transaction as submitted prompts (source "model", no author), so they wait
 * in the review queue and train nothing until a reviewer approves them. A failing source or generation is counted, never
 * a 500. Seed tasks awaiting a screening reviewer are not sent (lib/screening/hold.ts).
 */
export async function draftTasksFromSeeds(actor: AnyActor, input: DraftFromSeedsInput): Promise<DraftOutcome> {
  const who = assertRole(actor, "reviewer");
  return draftAs(who.id, input);
}

/** The project and its drafter, or the 404 naming projectSlug, source or version; nothing is asked yet. */
export async function resolveDrafter(input: DraftFromSeedsInput): Promise<{ project: Project; drafter: Drafter }> {
  const db = getDb();
  const project = await projectBySlugOr404(db, input.projectSlug, "projectSlug");
  return { project, drafter: await drafterOf(db, project, input) };
}

/** draftTasksFromSeeds for an actor already checked (the seed-drafts job runs for the reviewer who queued it; null: the operator). */
export async function draftAs(actorId: string | null, input: DraftFromSeedsInput): Promise<DraftOutcome> {
  const db = getDb();
  const { project, drafter } = await resolveDrafter(input);
  const pool = (await listInstructionsForNovelty(db, { projectId: project.id, limit: NOVELTY_POOL })).map((p) => ({ instruction: p.instruction, tokens: rougeTokens(p.instruction) }));
  const prompts: string[] = [];
  for (let i = 0; i < input.n; i++) {
    const seeds = await listSeedSample(db, { projectId: project.id, auditIds: project.settings.seedImports ?? [], k: input.k, hold: holdsScreened(project.settings) });
    if (!seeds.length) throw new AppError("bad_request:prompt", `"${project.slug}" has no seed tasks to draft from.`, { projectSlug: ["No seed tasks (approved prompts or seed imports)"] });
    prompts.push(seedPrompt(seeds.map((s) => s.instruction)));
  }
  const out: DraftOutcome = { asked: prompts.length, kept: [], tooSimilar: 0, empty: 0, failed: 0, lastError: null };
  const keep: Array<{ instruction: string; rougeL: number }> = [];
  for (const reply of await drafter.ask(prompts)) {
    if ("error" in reply) {
      out.failed += 1;
      out.lastError = reply.error;
      continue;
    }
    const task = firstTask(reply.text);
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
    await recordAudit(tx, { actorId, action: "prompt.draft_from_seeds", targetType: "project", targetId: project.id, data: { [drafter.kind]: drafter.name, asked: out.asked, kept: rows.length, tooSimilar: out.tooSimilar } });
    return rows;
  });
  return out;
}
