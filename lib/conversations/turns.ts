// The Conversations page's data: a project's open turns, each with the conversation before it and the replies that can be continued.
import "server-only";
import { getDb } from "@/db/client";
import { listOpenTurns } from "@/db/queries/conversations";
import { assertRole, type Actor } from "@/lib/auth/roles";
import { projectBySlugOr404 } from "@/lib/projects/projects";
import { promptMessages, userTurn, type ChatMessage } from "./messages";

export type TurnView = { id: string; text: string; status: string; history: ChatMessage[]; replies: Array<{ id: string; text: string; status: string }> };

/** The newest `limit` turns (submitted or approved) of a project: each path root → turn → reply is one that can be continued. */
export async function listConversationTurns(actor: Actor, projectSlug: string, limit = 40): Promise<TurnView[]> {
  assertRole(actor, "annotator");
  const db = getDb();
  const project = await projectBySlugOr404(db, projectSlug, "projectSlug");
  const turns = await listOpenTurns(db, project.id, limit);
  return turns.map((t) => ({ id: t.id, text: userTurn(t), status: t.status, history: promptMessages(t).slice(0, -1), replies: t.replies }));
}
