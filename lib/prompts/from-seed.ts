// Write from a seed (Self-Instruct's idea, done by people): k random seed tasks shown, and a new task kept only when it is novel.
import "server-only";
import { getDb } from "@/db/client";
import { listInstructionsForNovelty, listSeedSample } from "@/db/queries/diversity";
import { hasOpenScreening } from "@/db/queries/screenings";
import { assertRole, type Actor } from "@/lib/auth/roles";
import { closestByRougeL, NOVELTY_MAX_ROUGE_L, rougeTokens } from "@/lib/diversity/rouge";
import { AppError } from "@/lib/errors";
import { projectBySlugOr404 } from "@/lib/projects/projects";
import { holdsScreened } from "@/lib/screening/hold";
import type { NoveltyInput, SeedTasksInput, SubmitFromSeedInput } from "@/lib/validation/prompts";
import { submitPrompt } from "./write";

/** Existing instructions a new one is compared with, newest first (Self-Instruct compares with all; past this many, the newest). */
export const NOVELTY_POOL = 20_000;

/** `k` random seed tasks: the project's seed import batches (settings.seedImports), or its approved prompts when it names none. */
export async function getSeedTasks(actor: Actor, input: SeedTasksInput) {
  assertRole(actor, "annotator");
  const db = getDb();
  const project = await projectBySlugOr404(db, input.projectSlug, "projectSlug");
  return listSeedSample(db, { projectId: project.id, auditIds: project.settings.seedImports ?? [], k: input.k, hold: holdsScreened(project.settings) });
}

/**
 * closest: the nearest existing task, or null when there is none. Its text is left out (`held`) while that task awaits a
 * screening reviewer in a project that holds screened texts: it may carry the very PII or unsafe text the hold keeps from
 * annotators, so the writer learns only that a close match exists.
 */
export type Novelty = { novel: boolean; rougeL: number; closest: { id: string; instruction: string; held: false } | { held: true } | null; limit: number };

/** ROUGE-L F of the instruction against every existing one (drafts and rejected prompts aside); novel below 0.7. */
export async function checkNovelty(actor: Actor, input: NoveltyInput): Promise<Novelty> {
  assertRole(actor, "annotator");
  const db = getDb();
  const project = await projectBySlugOr404(db, input.projectSlug, "projectSlug");
  const pool = await listInstructionsForNovelty(db, { projectId: project.id, limit: NOVELTY_POOL, exceptId: input.id });
  const best = closestByRougeL(input.instruction, pool.map((p) => ({ ...p, tokens: rougeTokens(p.instruction) })));
  const rougeL = best?.fmeasure ?? 0;
  const held = best !== null && holdsScreened(project.settings) && (await hasOpenScreening(db, best.item.id));
  const closest = !best ? null : held ? ({ held: true } as const) : { id: best.item.id, instruction: best.item.instruction, held: false as const };
  return { novel: rougeL <= NOVELTY_MAX_ROUGE_L, rougeL, closest, limit: NOVELTY_MAX_ROUGE_L };
}

/** Submits the new task when it is novel; otherwise a 409 whose message beside the instruction shows the closest match. */
export async function submitFromSeed(actor: Actor, input: SubmitFromSeedInput) {
  const { seedIds, ...prompt } = input;
  const novelty = await checkNovelty(actor, { projectSlug: prompt.projectSlug, instruction: prompt.instruction, id: prompt.id });
  if (!novelty.novel && novelty.closest) {
    const head = `Too close to an existing task (ROUGE-L ${novelty.rougeL.toFixed(2)} > ${NOVELTY_MAX_ROUGE_L})`;
    const message = novelty.closest.held ? `${head}; that task awaits screening review, so its text is not shown.` : `${head}: “${novelty.closest.instruction.slice(0, 300)}”`;
    throw new AppError("conflict:prompt", "This task is too close to one the project already has.", { instruction: [message] });
  }
  const submitted = await submitPrompt(actor, prompt);
  return { ...submitted, seedIds, rougeL: novelty.rougeL };
}
