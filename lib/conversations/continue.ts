// Annotators continue a conversation: the next user turn after an assistant reply, or an assistant reply to a user turn.
import "server-only";
import { getDb } from "@/db/client";
import * as qc from "@/db/queries/conversations";
import * as qp from "@/db/queries/prompts";
import { recordAudit } from "@/lib/audit";
import { assertRole, type Actor } from "@/lib/auth/roles";
import { AppError } from "@/lib/errors";
import { screenStored } from "@/lib/screening/screen";
import { projectBySlugOr404 } from "@/lib/projects/projects";
import type { ContinueConversationInput, ReplyToTurnInput } from "@/lib/validation/conversations";

/**
 * Writes the next user turn after assistant reply `parentCompletionId`: a prompt (source human,
 * submitted for review) whose history is the path through that reply, with the writer's own
 * assistant reply as a demonstration when given. The parent must be a reply in this project
 * that is not rejected, on a turn that is not rejected or a draft. The parent is set here once
 * and never changed, so a conversation cannot loop back on itself: every turn is newer than
 * the turns before it.
 */
export async function continueConversation(actor: Actor, input: ContinueConversationInput) {
  assertRole(actor, "annotator");
  const db = getDb();
  const project = await projectBySlugOr404(db, input.projectSlug, "projectSlug");
  return db.transaction(async (tx) => {
    const parent = await qc.getCompletionWithProject(tx, input.parentCompletionId);
    if (!parent || parent.projectId !== project.id) {
      throw new AppError("not_found:completion", "No such reply in this project.", { parentCompletionId: ["Unknown reply"] });
    }
    if (parent.status === "rejected" || parent.status === "draft" || parent.promptStatus === "rejected" || parent.promptStatus === "draft") {
      throw new AppError("conflict:prompt", "That reply (or the turn it answers) is rejected or unpublished; continue another one.", {
        parentCompletionId: ["Rejected or unpublished reply"],
      });
    }
    const prompt = await qp.insertPrompt(tx, {
      projectId: project.id,
      instruction: input.text,
      input: null,
      category: null,
      authorId: actor.id,
      source: "human",
      status: "submitted",
      parentCompletionId: parent.id,
      submittedAt: new Date(),
    });
    const reply = input.reply.trim()
      ? await qp.insertCompletion(tx, { promptId: prompt.id, text: input.reply, source: "human", authorId: actor.id, isDemonstration: true, status: "submitted" })
      : null;
    await screenStored(tx, { promptIds: [prompt.id], completionIds: reply ? [reply.id] : [] });
    await recordAudit(tx, { actorId: actor.id, action: "conversation.continue", targetType: "prompt", targetId: prompt.id, data: { parentCompletionId: parent.id } });
    return { id: prompt.id, status: "submitted" as const };
  });
}

/** Writes an assistant reply to a user turn: a demonstration submitted for review, a sibling of the turn's other replies. */
export async function replyToTurn(actor: Actor, input: ReplyToTurnInput) {
  assertRole(actor, "annotator");
  const db = getDb();
  const project = await projectBySlugOr404(db, input.projectSlug, "projectSlug");
  return db.transaction(async (tx) => {
    const prompt = await qp.getPromptById(tx, input.promptId);
    if (!prompt || prompt.projectId !== project.id || (prompt.status === "draft" && prompt.authorId !== actor.id)) {
      throw new AppError("not_found:prompt", "No such turn in this project.", { promptId: ["Unknown turn"] });
    }
    if (prompt.status === "rejected") throw new AppError("conflict:prompt", "That turn was rejected.", { promptId: ["Rejected turn"] });
    const c = await qp.insertCompletion(tx, { promptId: prompt.id, text: input.text, source: "human", authorId: actor.id, isDemonstration: true, status: "submitted" });
    await screenStored(tx, { completionIds: [c.id] });
    await recordAudit(tx, { actorId: actor.id, action: "conversation.reply", targetType: "completion", targetId: c.id, data: { promptId: prompt.id } });
    return { id: c.id, status: "submitted" as const };
  });
}
