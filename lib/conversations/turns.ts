// The Conversations page's data: a project's open turns, each with the conversation before it and the replies that can be continued.
import "server-only";
import { getDb } from "@/db/client";
import { listOpenTurns } from "@/db/queries/conversations";
import { listOpenScreenedTargets } from "@/db/queries/screenings";
import { holdsScreened } from "@/lib/screening/hold";
import { assertRole, type Actor } from "@/lib/auth/roles";
import { projectBySlugOr404 } from "@/lib/projects/projects";
import { promptMessages, userTurn, type ChatMessage } from "./messages";

export type TurnView = { id: string; text: string; status: string; history: ChatMessage[]; replies: Array<{ id: string; text: string; status: string }> };

/**
 * The newest `limit` turns (submitted or approved) of a project: each path root → turn → reply is one that can be continued.
 * Under the screening hold a turn or reply awaiting a screening reviewer is left out, and so is a turn whose earlier turns hold one.
 */
export async function listConversationTurns(actor: Actor, projectSlug: string, limit = 40): Promise<TurnView[]> {
  assertRole(actor, "annotator");
  const db = getDb();
  const project = await projectBySlugOr404(db, projectSlug, "projectSlug");
  const hold = holdsScreened(project.settings);
  let turns = await listOpenTurns(db, project.id, limit, { hold });
  const path = turns.flatMap((t) => t.conversation?.turns ?? []);
  if (hold && path.length) {
    const held = await listOpenScreenedTargets(db, { promptIds: path.map((x) => x.promptId), completionIds: path.map((x) => x.completionId) });
    turns = turns.filter((t) => !(t.conversation?.turns ?? []).some((x) => held.has(x.promptId) || held.has(x.completionId)));
  }
  return turns.map((t) => ({ id: t.id, text: userTurn(t), status: t.status, history: promptMessages(t).slice(0, -1), replies: t.replies }));
}
