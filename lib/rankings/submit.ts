// Recording rankings: idempotent submit, a second submission of one task (another tab) as a revision or an honest
// "already submitted", revise within the window, skip, and rewrites of model outputs.
import "server-only";
import { getDb, type DbOrTx } from "@/db/client";
import * as qa from "@/db/queries/assignments";
import { getCompletionById, insertCompletion, listCompletionsByIds } from "@/db/queries/prompts";
import * as qr from "@/db/queries/rankings";
import type { Answers, Assignment, CompletionFlag, Project, Prompt, Ranking } from "@/db/schema";
import { recordAudit } from "@/lib/audit";
import { assertRole, type Actor } from "@/lib/auth/roles";
import { kendallTauB } from "@/lib/consensus/consensus";
import { AppError } from "@/lib/errors";
import { answerErrors, canonicalAnswers, questionsOf, stableJson } from "@/lib/questions/check";
import type { ReviseRankingInput, RewriteCompletionInput, SkipTaskInput, SubmitRankingInput } from "@/lib/validation/rankings";
import { announceRanking } from "@/lib/webhooks/emit";
import { screenStored } from "@/lib/screening/screen";
import { holdsScreened } from "@/lib/screening/hold";
import { recomputePromptConsensus } from "./consensus-state";
import { overlapRange } from "./routing";
import { sameOrder } from "./order";
import { suggestionAfterSubmit, type AnnotatorSuggestion } from "@/lib/suggestions/suggestions";

/** What is stored for a task, shown to a person whose second submission could not replace it. */
export type StoredRanking = { order: string[][]; flags: Record<string, string[]>; noneAcceptable: boolean; rationale: string | null; answers: Answers; submittedAt: string };

export type SubmittedRanking = {
  rankingId: string;
  promptId: string;
  /** nothing new was written: a retry under the same idempotency key, or the same ranking sent again from elsewhere */
  duplicate: boolean;
  /** this submission replaced the person's earlier ranking of the task (sent from another tab, within the revise window) */
  revisedFrom?: string;
  /** the reward model's suggested order, now that the ranking is in: only where settings.showSuggestionsAfterSubmit */
  suggestion?: AnnotatorSuggestion | null;
  /** nothing was written: the task was already submitted from elsewhere and is past its revise window; what is stored */
  alreadySubmitted?: StoredRanking;
};

type RankingInput = { order: string[][]; flags: Record<string, string[]>; noneAcceptable: boolean; rationale?: string | null; timeSpentMs?: number | null; idempotencyKey: string; answers: Answers };

/** The answers must fit the project's questions and the outputs shown; stored in the form's order. */
async function checkedAnswers(tx: DbOrTx, project: Project, shown: string[], answers: Answers): Promise<Answers> {
  const questions = questionsOf(project.settings);
  // the outputs' texts matter only to a given answer's check (a required one missing needs none): no answers, no read
  const byId = new Map(Object.keys(answers).length ? (await listCompletionsByIds(tx, shown)).map((c) => [c.id, c.text]) : []);
  const errors = answerErrors(questions, answers, shown.map((id) => ({ id, text: byId.get(id) ?? "" })), { submit: true });
  if (Object.keys(errors).length) throw new AppError("bad_request:answers", "The answers do not fit this project's questions.", errors);
  return canonicalAnswers(questions, answers);
}

/** The order must rank exactly the outputs that were shown, each once. */
function checkOrderCoversShown(order: string[][], shown: string[], flags: Record<string, string[]>) {
  const listed = order.flat();
  const set = new Set(listed);
  if (set.size !== listed.length) throw new AppError("bad_request:order", "An output is ranked twice.", { order: ["An output is ranked twice"] });
  const expected = new Set(shown);
  if (set.size !== expected.size || [...set].some((id) => !expected.has(id))) {
    throw new AppError("bad_request:order", "The order must rank every shown output exactly once.", { order: ["Rank every shown output exactly once"] });
  }
  for (const id of Object.keys(flags)) {
    if (!expected.has(id)) throw new AppError("bad_request:flags", "A flag names an output that was not shown.", { flags: ["Unknown output"] });
  }
}

function cleanFlags(flags: Record<string, string[]>): Record<string, CompletionFlag[]> {
  const out: Record<string, CompletionFlag[]> = {};
  for (const [id, list] of Object.entries(flags)) if (list.length) out[id] = [...new Set(list)].sort() as CompletionFlag[];
  return out;
}

/** The columns a person's ranking takes from what they sent, the same for a first submission and a revision. */
function humanRanking(actor: Actor, input: RankingInput, answers: Answers) {
  return {
    answers,
    annotatorId: actor.id,
    source: "human" as const,
    order: input.order,
    flags: cleanFlags(input.flags),
    noneAcceptable: input.noneAcceptable,
    rationale: input.rationale || null,
    timeSpentMs: input.timeSpentMs ?? null,
    idempotencyKey: input.idempotencyKey,
  };
}

/** Flags as stored (jsonb reorders keys) against flags as sent, both cleaned. */
function sameFlags(a: Record<string, string[]>, b: Record<string, string[]>): boolean {
  const canon = (f: Record<string, string[]>) => JSON.stringify(Object.entries(f).filter(([, l]) => l.length).sort(([x], [y]) => x.localeCompare(y)));
  return canon(a) === canon(b);
}

/** The ranking's agreement with the prompt's gold order (the prompt as the submit's transaction locked it). */
function goldScore(prompt: Prompt, order: string[][]): number | null {
  if (!prompt.isGold || !prompt.goldOrder) return null;
  return kendallTauB(order, prompt.goldOrder);
}

export async function submitRanking(actor: Actor, input: SubmitRankingInput): Promise<SubmittedRanking> {
  assertRole(actor, "annotator");
  return getDb().transaction(async (tx) => {
    // A retry or double click with the same key returns the first result.
    const previous = await qr.getRankingByIdempotencyKey(tx, actor.id, input.idempotencyKey);
    if (previous) return { rankingId: previous.id, promptId: previous.promptId, duplicate: true };

    const a = await qa.getAssignmentById(tx, input.assignmentId, { lock: true });
    if (!a || a.userId !== actor.id) throw new AppError("not_found:task", "No such task.", { assignmentId: ["Unknown task"] });
    if (a.status === "submitted") {
      // Another tab or device submitted this task first (under another key).
      const current = await qr.getCurrentRanking(tx, a.promptId, actor.id, { lock: true });
      if (current) return resubmission(tx, actor, current, input);
    }
    if (a.status === "skipped") throw new AppError("conflict:task", "You skipped this task.");
    // the prompt (locked), its project and whether it awaits a screening reviewer, in one statement
    const locked = await qa.lockPromptForRanking(tx, a.promptId);
    if (!locked) throw new AppError("not_found:task", "No such task.", { assignmentId: ["Unknown task"] });
    const { prompt, project } = locked;
    await assertLeaseStillValid(tx, a, { ...overlapRange(project.settings), agreementThreshold: project.settings.agreementThreshold });
    // A moderation verdict or PII hit that came after the lease was taken holds the prompt: its ranking would count texts
    // a reviewer has not cleared, so nothing is written (the next call to next-task lets the lease go).
    if (holdsScreened(project.settings) && locked.held)
      throw new AppError("conflict:task", "This task was held for screening review after you took it; your ranking was not saved. Take the next task.", {
        assignmentId: ["Held for screening review"],
      });
    checkOrderCoversShown(input.order, a.displayOrder, input.flags);
    const answers = await checkedAnswers(tx, project, a.displayOrder, input.answers);

    const ranking = await qr.insertRanking(tx, {
      ...humanRanking(actor, input, answers),
      promptId: a.promptId,
      assignmentId: a.id,
      goldScore: a.isGold ? goldScore(prompt, input.order) : null,
    });
    // submitted, and its draft (lib/rankings/drafts.ts) cleared, in one statement
    await qa.updateAssignment(tx, a.id, { status: "submitted", submittedAt: new Date(), idempotencyKey: input.idempotencyKey, draft: null });
    // Gold tasks measure annotators; they never feed the prompt's consensus count.
    const after = prompt.isGold ? null : await recomputePromptConsensus(tx, a.promptId, project.settings, prompt);
    await announceRanking(tx, { projectId: a.projectId, rankingId: ranking.id, promptId: a.promptId, annotatorId: actor.id, wasSettled: prompt.settled, after });
    // a gold task's answer carries nothing beyond the receipt (no suggestion key either): it must not read as special
    if (prompt.isGold) return { rankingId: ranking.id, promptId: a.promptId, duplicate: false };
    return { rankingId: ranking.id, promptId: a.promptId, duplicate: false, suggestion: await suggestionAfterSubmit(tx, project, a.promptId) };
  });
}

/** An expired lease may still be submitted while the prompt has room; otherwise the slot went to someone else. */
async function assertLeaseStillValid(tx: DbOrTx, a: Assignment, want: qa.OverlapWant) {
  if (a.status === "open" && a.expiresAt.getTime() > Date.now()) return;
  if (a.isGold) return;
  const { taken, wanted } = await qa.countTakenSlots(tx, a.promptId, want);
  if (taken >= wanted) throw new AppError("conflict:lease", "This task's lease expired and it went to someone else. Take the next task.");
}

export async function reviseRanking(actor: Actor, input: ReviseRankingInput): Promise<SubmittedRanking> {
  assertRole(actor, "annotator");
  return getDb().transaction(async (tx) => {
    const previous = await qr.getRankingByIdempotencyKey(tx, actor.id, input.idempotencyKey);
    if (previous) return { rankingId: previous.id, promptId: previous.promptId, duplicate: true };
    const old = await qr.getRankingById(tx, input.rankingId, { lock: true });
    if (!old || old.annotatorId !== actor.id) throw new AppError("not_found:ranking", "No such ranking.", { rankingId: ["Unknown ranking"] });
    if (!old.isCurrent) throw new AppError("conflict:ranking", "This ranking was already revised; revise the latest one.");
    const { prompt, project } = await promptAndProject(tx, old.promptId);
    if (!(await withinReviseWindow(tx, old, project))) {
      throw new AppError("conflict:ranking", `Rankings can be revised for ${project.settings.reviseHours} hours after submitting.`);
    }
    return recordRevision(tx, actor, old, prompt, project, input);
  });
}

async function promptAndProject(tx: DbOrTx, promptId: string): Promise<{ prompt: Prompt; project: Project }> {
  const locked = await qa.lockPromptForRanking(tx, promptId);
  if (!locked) throw new AppError("not_found:ranking", "No such ranking.", { rankingId: ["Unknown ranking"] });
  return { prompt: locked.prompt, project: locked.project };
}

async function withinReviseWindow(tx: DbOrTx, r: Ranking, project: Project): Promise<boolean> {
  const firstSubmitted = await firstRevisionTime(tx, r);
  return Date.now() - firstSubmitted.getTime() <= project.settings.reviseHours * 3600_000;
}

/** Supersedes `old` with the person's new ranking of the same outputs, keeping the history chain. */
async function recordRevision(tx: DbOrTx, actor: Actor, old: Ranking, prompt: Prompt, project: Project, input: RankingInput): Promise<SubmittedRanking> {
  checkOrderCoversShown(input.order, old.order.flat(), input.flags);
  const answers = await checkedAnswers(tx, project, old.order.flat(), input.answers);
  await qr.markRankingSuperseded(tx, old.id);
  const ranking = await qr.insertRanking(tx, {
    ...humanRanking(actor, input, answers),
    promptId: old.promptId,
    assignmentId: old.assignmentId,
    previousId: old.id,
    goldScore: prompt.isGold ? goldScore(prompt, input.order) : null,
  });
  const after = prompt.isGold ? null : await recomputePromptConsensus(tx, old.promptId, project.settings, prompt);
  await announceRanking(tx, { projectId: project.id, rankingId: ranking.id, promptId: old.promptId, annotatorId: actor.id, revisedFrom: old.id, wasSettled: prompt.settled, after });
  await recordAudit(tx, { actorId: actor.id, action: "ranking.revise", targetType: "ranking", targetId: ranking.id, data: { previousId: old.id } });
  return { rankingId: ranking.id, promptId: old.promptId, duplicate: false, revisedFrom: old.id };
}

/**
 * A second submission of a task already submitted under another key (two tabs, two devices): the same ranking is a
 * duplicate; a different one becomes a revision while the revise window is open; after it nothing is written and the
 * answer carries what is stored, so no screen says "saved" for a ranking that was not.
 */
async function resubmission(tx: DbOrTx, actor: Actor, current: Ranking, input: RankingInput): Promise<SubmittedRanking> {
  const { prompt, project } = await promptAndProject(tx, current.promptId);
  const same =
    sameOrder(current.order, input.order) &&
    sameFlags(current.flags, cleanFlags(input.flags)) &&
    current.noneAcceptable === input.noneAcceptable &&
    (current.rationale ?? "") === (input.rationale || "") &&
    stableJson(canonicalAnswers(questionsOf(project.settings), current.answers)) === stableJson(canonicalAnswers(questionsOf(project.settings), input.answers));
  if (same) return { rankingId: current.id, promptId: current.promptId, duplicate: true };
  if (await withinReviseWindow(tx, current, project)) return recordRevision(tx, actor, current, prompt, project, input);
  return {
    rankingId: current.id,
    promptId: current.promptId,
    duplicate: false,
    alreadySubmitted: { order: current.order, flags: current.flags, noneAcceptable: current.noneAcceptable, rationale: current.rationale, answers: current.answers, submittedAt: current.createdAt.toISOString() },
  };
}

async function firstRevisionTime(tx: DbOrTx, r: Ranking): Promise<Date> {
  let cur: Ranking | null = r;
  let first = r.createdAt;
  while (cur?.previousId) {
    cur = await qr.getRankingById(tx, cur.previousId);
    if (cur) first = cur.createdAt;
  }
  return first;
}

export async function skipTask(actor: Actor, input: SkipTaskInput): Promise<{ skipped: true }> {
  assertRole(actor, "annotator");
  return getDb().transaction(async (tx) => {
    const a = await qa.getAssignmentById(tx, input.assignmentId, { lock: true });
    if (!a || a.userId !== actor.id) throw new AppError("not_found:task", "No such task.", { assignmentId: ["Unknown task"] });
    if (a.status === "skipped") return { skipped: true as const };
    if (a.status === "submitted") throw new AppError("conflict:task", "This task was already submitted.");
    await qa.updateAssignment(tx, a.id, { status: "skipped", skipReason: input.reason });
    return { skipped: true as const };
  });
}

/**
 * "Edit a model's reply": the rewrite becomes a demonstration (status submitted, goes to review)
 * linked to the output it improves; curation reads the pair rewrite ≻ original from that link.
 */
export async function rewriteCompletion(actor: Actor, input: RewriteCompletionInput): Promise<{ completionId: string }> {
  assertRole(actor, "annotator");
  return getDb().transaction(async (tx) => {
    const a = await qa.getAssignmentById(tx, input.assignmentId);
    if (!a || a.userId !== actor.id) throw new AppError("not_found:task", "No such task.", { assignmentId: ["Unknown task"] });
    if (!a.displayOrder.includes(input.completionId)) throw new AppError("bad_request:rewrite", "That output is not part of this task.", { completionId: ["Not in this task"] });
    const original = await getCompletionById(tx, input.completionId);
    if (original.text.trim() === input.text.trim()) throw new AppError("bad_request:rewrite", "The rewrite is the same as the original.", { text: ["Change something first"] });
    const created = await insertCompletion(tx, {
      promptId: a.promptId,
      text: input.text,
      source: "human",
      authorId: actor.id,
      isDemonstration: true,
      status: "submitted",
      parentId: original.id,
    });
    await screenStored(tx, { completionIds: [created.id] });
    await recordAudit(tx, { actorId: actor.id, action: "completion.rewrite", targetType: "completion", targetId: created.id, data: { parentId: original.id } });
    return { completionId: created.id };
  });
}
