// Handing out ranking tasks: the most useful open prompt under a lease, never twice, never past the overlap (routing:
// past what the prompt wants, lib/rankings/routing.ts).
// "Most useful" is the project's queue policy (lib/rankings/queue-policy.ts): release-gate comparisons, then the
// active version's outputs, then prompts closest to settling, then the backlog, unless the admin reordered them or
// pinned a batch. Each step is one SKIP LOCKED branch of a single statement (db/queries/assignments.ts
// lockCandidatePrompt); a lease falls through to the next step only when a step has nothing open for this person.
import "server-only";
import { randomInt } from "node:crypto";
import { getDb, type DbOrTx } from "@/db/client";
import * as qa from "@/db/queries/assignments";
import { getProjectById } from "@/db/queries/projects";
import { getCurrentRanking } from "@/db/queries/rankings";
import { assertRole, type Actor } from "@/lib/auth/roles";
import { AppError } from "@/lib/errors";
import { promptMessages, type ChatMessage } from "@/lib/conversations/messages";
import { listOpenScreenedTargets } from "@/db/queries/screenings";
import { holdsScreened } from "@/lib/screening/hold";
import type { NextTaskInput } from "@/lib/validation/rankings";
import { listRankingsPerCategory } from "@/db/queries/diversity";
import { underTargetCategories } from "@/lib/diversity/steering";
import { queueSteps, type QueueStep } from "./queue-policy";
import { overlapRange } from "./routing";

export type RankingTask = {
  assignmentId: string;
  projectSlug: string;
  guidelines: string;
  /** `history`: the conversation before this user turn (system message, earlier turns), [] for a single-turn prompt. */
  prompt: { id: string; instruction: string; input: string | null; category: string | null; history: ChatMessage[] };
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

export async function nextTask(actor: Actor, input: NextTaskInput): Promise<RankingTask | null> {
  assertRole(actor, "annotator");
  const { projectSlug } = input;
  const db = getDb();
  // The project, the person's open lease and the model versions in one statement (lib/rankings's round trips: tests/integration/round-trips.test.ts).
  const start = await qa.getNextTaskStart(db, { slug: projectSlug, userId: actor.id });
  if (!start) throw new AppError("not_found:project", `No project "${projectSlug}".`, { projectSlug: ["Unknown project"] });
  const { project, openLease: open, versions } = start;
  const settings = project.settings;
  const want = { ...overlapRange(settings), agreementThreshold: settings.agreementThreshold };
  const hold = holdsScreened(settings);
  // A reload resumes the open lease, answered from its prompt's content in one more statement.
  if (open && !(hold && open.held)) {
    const content = await qa.getTaskContent(db, open.promptId);
    if (content) return rankingTask(open, project, content, content.outputs, historyOf(content));
  }

  // A new lease is answered from what the transaction read.
  return db.transaction(async (tx): Promise<RankingTask | null> => {
    // flagged after it was leased (the moderation verdict comes after storing): the lease goes, the prompt waits for its reviewer
    if (open && hold && open.held) await qa.updateAssignment(tx, open.id, { status: "expired" });
    const wantGold = settings.goldRate > 0 && Math.random() < settings.goldRate;
    const filters = candidateFilters(versions, queueSteps(settings.queueOrder));
    const preferCategories = settings.categoryTargets ? underTargetCategories(await listRankingsPerCategory(tx, project.id), settings.categoryTargets) : undefined;
    const passes: qa.CandidatePass[] = [...(wantGold ? [{ gold: true, filter: { kind: "any" } as qa.CandidateFilter }] : []), ...filters.map((filter) => ({ gold: false, filter }))];
    // All the policy's steps in one statement (the first step with an open prompt answers); a candidate that cannot be
    // leased after its lock (its slots filled meanwhile, or its history awaits a screening reviewer) is left out of the
    // next try, and a step that gave MAX_CANDIDATES such candidates is passed over, as when each step was tried alone.
    const tried: string[] = [];
    const misses = passes.map(() => 0);
    for (;;) {
      const live = passes.flatMap((_, i) => (misses[i] < MAX_CANDIDATES ? [i] : []));
      if (!live.length) break;
      const candidate = await qa.lockCandidatePrompt(tx, { projectId: project.id, userId: actor.id, want, passes: live.map((i) => passes[i]), exclude: tried, preferCategories, holdScreened: hold });
      if (!candidate) break;
      const pass = live[candidate.pass];
      const { gold } = passes[pass];
      // its history, outputs and (not gold) a fresh count of its taken slots, in one statement after the lock
      const content = await qa.getTaskContent(tx, candidate.id, gold ? null : want);
      if (!content || (hold && content.conversation && (await heldInHistory(tx, content.conversation))) || (content.slots && content.slots.taken >= content.slots.wanted)) {
        tried.push(candidate.id);
        misses[pass]++;
        continue;
      }
      const shown = shuffle(content.outputs.filter(isRankable)).slice(0, settings.k);
      const lease = await qa.upsertAssignment(tx, {
        promptId: candidate.id,
        projectId: project.id,
        userId: actor.id,
        displayOrder: shown.map((c) => c.id),
        expiresAt: new Date(Date.now() + settings.leaseMinutes * 60_000),
        isGold: gold,
      });
      return rankingTask(lease, project, candidate, shown, historyOf(content));
    }
    return null;
  });
}

/** The conversation before a prompt's user turn, as the task shows it ([] for a single-turn prompt). */
function historyOf(h: { system: string | null; conversation: qa.TaskContent["conversation"] }): ChatMessage[] {
  return promptMessages({ instruction: "", input: null, system: h.system, conversation: h.conversation }).slice(0, -1);
}

/** Whether an earlier turn of a conversation (a user turn or the reply it continues) awaits a screening reviewer: the task would show it. */
async function heldInHistory(tx: DbOrTx, conversation: { turns: Array<{ promptId: string; completionId: string }> }) {
  const held = await listOpenScreenedTargets(tx, { promptIds: conversation.turns.map((t) => t.promptId), completionIds: conversation.turns.map((t) => t.completionId) });
  return held.size > 0;
}

/** The policy's steps as candidate filters; steps that name no existing version (or no active one) are dropped. */
function candidateFilters(versions: Array<{ id: string; label: string; isActive: boolean }>, steps: QueueStep[]): qa.CandidateFilter[] {
  const active = versions.find((v) => v.isActive) ?? null;
  const out: qa.CandidateFilter[] = [];
  for (const step of steps) {
    if ("batch" in step) {
      if (step.batch.kind === "import") out.push({ kind: "import", auditId: step.batch.auditId });
      else {
        const { label } = step.batch;
        const v = versions.find((x) => x.label === label);
        if (v) out.push({ kind: "versions", versionIds: [v.id] });
      }
    } else if (step.tier === "gate") out.push({ kind: "gate" });
    else if (step.tier === "active") {
      if (active) out.push({ kind: "versions", versionIds: [active.id] });
    } else if (step.tier === "routing") out.push({ kind: "routing" });
    else out.push({ kind: "backlog", activeVersionId: active?.id ?? null });
  }
  return out;
}

export async function getRankingTask(actor: Actor, assignmentId: string): Promise<RankingTask> {
  assertRole(actor, "annotator");
  const db = getDb();
  const a = await qa.getAssignmentById(db, assignmentId);
  if (!a || a.userId !== actor.id) throw new AppError("not_found:task", "No such task.");
  const [project, content] = await Promise.all([getProjectById(db, a.projectId), qa.getTaskContent(db, a.promptId)]);
  if (!content) throw new AppError("not_found:task", "No such task.");
  return rankingTask(a, project, content, content.outputs, historyOf(content));
}

/** What an annotator is shown for a lease: its outputs in the lease's order. */
function rankingTask(
  a: { id: string; displayOrder: string[]; expiresAt: Date },
  project: { slug: string; guidelines: string },
  prompt: { id: string; instruction: string; input: string | null; category: string | null },
  completions: Array<{ id: string; text: string }>,
  history: ChatMessage[],
): RankingTask {
  const byId = new Map(completions.map((c) => [c.id, c]));
  return {
    assignmentId: a.id,
    projectSlug: project.slug,
    guidelines: project.guidelines,
    prompt: { id: prompt.id, instruction: prompt.instruction, input: prompt.input, category: prompt.category, history },
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
