// Work in progress on a ranking task, kept on its lease: saved as the person works, handed back when the lease resumes.
import "server-only";
import { getDb } from "@/db/client";
import { getAssignmentById } from "@/db/queries/assignments";
import { getProjectById } from "@/db/queries/projects";
import { listCompletionsByIds } from "@/db/queries/prompts";
import { getAssignmentDraft, updateAssignmentDraft } from "@/db/queries/ranking-drafts";
import type { RankingDraft } from "@/db/schema";
import { assertRole, type Actor } from "@/lib/auth/roles";
import { AppError } from "@/lib/errors";
import { answerErrors, questionsOf } from "@/lib/questions/check";
import type { SaveRankingDraftInput } from "@/lib/validation/rankings";
import { nextTask, type RankingTask } from "./tasks";

export type RankingTaskWithDraft = RankingTask & { draft: RankingDraft | null };

/** The next task as nextTask hands it out, with the draft saved on it when the lease is a resumed one. */
export async function nextTaskWithDraft(actor: Actor, input: { projectSlug: string }): Promise<RankingTaskWithDraft | null> {
  const task = await nextTask(actor, input);
  if (!task) return null;
  return { ...task, draft: await getAssignmentDraft(getDb(), { assignmentId: task.assignmentId, userId: actor.id }) };
}

/** Saves the draft on the person's own open lease; it may only name the outputs that lease shows. */
export async function saveRankingDraft(actor: Actor, input: SaveRankingDraftInput): Promise<{ savedAt: string }> {
  assertRole(actor, "annotator");
  const db = getDb();
  const a = await getAssignmentById(db, input.assignmentId);
  if (!a || a.userId !== actor.id) throw new AppError("not_found:task", "No such task.", { assignmentId: ["Unknown task"] });
  const shown = new Set(a.displayOrder);
  const named = [...input.draft.order.flat(), ...Object.keys(input.draft.flags)];
  if (named.some((id) => !shown.has(id))) throw new AppError("bad_request:order", "The draft names an output this task does not show.", { "draft.order": ["Unknown output"] });
  // A draft may be partial (required questions unanswered) but never holds what a submission would refuse.
  const questions = questionsOf((await getProjectById(db, a.projectId)).settings);
  const texts = new Map((await listCompletionsByIds(db, a.displayOrder)).map((c) => [c.id, c.text]));
  const errors = answerErrors(questions, input.draft.answers ?? {}, a.displayOrder.map((id) => ({ id, text: texts.get(id) ?? "" })), { submit: false, field: "draft.answers" });
  if (Object.keys(errors).length) throw new AppError("bad_request:answers", "The draft's answers do not fit this project's questions.", errors);
  const flags = Object.fromEntries(Object.entries(input.draft.flags).filter(([, f]) => f.length > 0).map(([id, f]) => [id, [...new Set(f)].sort()]));
  const saved = await updateAssignmentDraft(db, { assignmentId: a.id, userId: actor.id, draft: { ...input.draft, flags } });
  if (!saved) throw new AppError("conflict:task", "This task is no longer open: it was submitted or skipped.");
  return { savedAt: new Date().toISOString() };
}
