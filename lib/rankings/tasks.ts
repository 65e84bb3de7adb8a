// Handing out ranking tasks: the most useful open prompt under a lease, never twice, never past the overlap.
import { randomInt } from "node:crypto";
import { getDb } from "@/db/client";
import * as qa from "@/db/queries/assignments";
import { getProjectById, getProjectBySlug } from "@/db/queries/projects";
import { getPromptById, listCompletionsByPrompt } from "@/db/queries/prompts";
import { getCurrentRanking } from "@/db/queries/rankings";
import { assertRole, type Actor } from "@/lib/auth/roles";
import { AppError, parseInput } from "@/lib/errors";
import { nextTaskInput } from "@/lib/validation/rankings";

export type RankingTask = {
  assignmentId: string;
  projectSlug: string;
  guidelines: string;
  prompt: { id: string; instruction: string; input: string | null; category: string | null };
  /** In this annotator's shuffled order; no generator or model names. */
  outputs: Array<{ id: string; text: string }>;
  expiresAt: string;
};

function shuffle<T>(items: T[]): T[] {
  const a = [...items];
  for (let i = a.length - 1; i > 0; i--) {
    const j = randomInt(i + 1);
    [a[i], a[j]] = [a[j], a[i]];
  }
  return a;
}

/** Outputs people may rank: not rejected, and human demonstrations only once a reviewer approved them. */
export function isRankable(c: { status: string; isDemonstration: boolean }) {
  return c.status !== "rejected" && (!c.isDemonstration || c.status === "approved");
}

// A lease whose candidate filled up between the scan and the lock is retried on the next one.
const MAX_CANDIDATES = 8;

export async function nextTask(actor: Actor, raw: unknown): Promise<RankingTask | null> {
  assertRole(actor, "annotator");
  const { projectSlug } = parseInput(nextTaskInput, raw, "task");
  const db = getDb();
  const project = await getProjectBySlug(db, projectSlug);
  if (!project) throw new AppError("not_found:project", `No project "${projectSlug}".`, { projectSlug: ["Unknown project"] });
  const settings = project.settings;

  // A new lease is answered from what the transaction read (four fewer queries per task); a resumed one is read back.
  const leased = await db.transaction(async (tx): Promise<RankingTask | string | null> => {
    const open = await qa.getOpenAssignmentForUser(tx, { projectId: project.id, userId: actor.id });
    if (open) return open.id;
    const wantGold = settings.goldRate > 0 && Math.random() < settings.goldRate;
    for (const gold of wantGold ? [true, false] : [false]) {
      const tried: string[] = [];
      for (let attempt = 0; attempt < MAX_CANDIDATES; attempt++) {
        const candidate = await qa.lockCandidatePrompt(tx, { projectId: project.id, userId: actor.id, overlap: settings.overlap, gold, exclude: tried });
        if (!candidate) break;
        if (!gold && (await qa.countTakenSlots(tx, candidate.id)) >= settings.overlap) {
          tried.push(candidate.id);
          continue;
        }
        const completions = (await listCompletionsByPrompt(tx, candidate.id)).filter(isRankable);
        const shown = shuffle(completions).slice(0, settings.k);
        const lease = await qa.upsertAssignment(tx, {
          promptId: candidate.id,
          projectId: project.id,
          userId: actor.id,
          displayOrder: shown.map((c) => c.id),
          expiresAt: new Date(Date.now() + settings.leaseMinutes * 60_000),
          isGold: gold,
        });
        return rankingTask(lease, project, candidate, shown);
      }
    }
    return null;
  });
  return typeof leased === "string" ? getRankingTask(actor, leased) : leased;
}

export async function getRankingTask(actor: Actor, assignmentId: string): Promise<RankingTask> {
  assertRole(actor, "annotator");
  const db = getDb();
  const a = await qa.getAssignmentById(db, assignmentId);
  if (!a || a.userId !== actor.id) throw new AppError("not_found:task", "No such task.");
  const [prompt, project, completions] = await Promise.all([getPromptById(db, a.promptId), getProjectById(db, a.projectId), listCompletionsByPrompt(db, a.promptId)]);
  return rankingTask(a, project!, prompt!, completions);
}

/** What an annotator is shown for a lease: its outputs in the lease's order. */
function rankingTask(
  a: { id: string; displayOrder: string[]; expiresAt: Date },
  project: { slug: string; guidelines: string },
  prompt: { id: string; instruction: string; input: string | null; category: string | null },
  completions: Array<{ id: string; text: string }>,
): RankingTask {
  const byId = new Map(completions.map((c) => [c.id, c]));
  return {
    assignmentId: a.id,
    projectSlug: project.slug,
    guidelines: project.guidelines,
    prompt: { id: prompt.id, instruction: prompt.instruction, input: prompt.input, category: prompt.category },
    outputs: a.displayOrder.filter((id) => byId.has(id)).map((id) => ({ id, text: byId.get(id)!.text })),
    // Never whether it is a gold task: annotators would take extra care on exactly those.
    expiresAt: a.expiresAt.toISOString(),
  };
}

/** The annotator's own current ranking of a prompt (for revising); never anyone else's. */
export async function getMyRanking(actor: Actor, promptId: string) {
  assertRole(actor, "annotator");
  return getCurrentRanking(getDb(), promptId, actor.id);
}
