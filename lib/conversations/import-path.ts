// Imported conversations: the earlier turns of a row become a path of prompts (one per user turn) joined by the assistant replies.
import "server-only";
import { createHash } from "node:crypto";
import type { DbOrTx } from "@/db/client";
import * as q from "@/db/queries/conversations";
import type { ImportConversation } from "@/lib/formats/import";

/** Content hash of turn `i` of a conversation: its system message and every message up to that user turn. */
export function turnHash(conv: ImportConversation, i: number): string {
  const path = conv.turns.slice(0, i).map((t) => [t.user, t.assistant]);
  return createHash("sha256").update(JSON.stringify(["tuneloop-turn-v1", conv.system, path, conv.turns[i].user]), "utf8").digest("hex");
}

/** Remembers the turns an import has already placed, so rows sharing a history touch the database once per turn. */
export type PathCache = Map<string, { promptId: string; replies: Map<string, string> }>;

/**
 * The completion a row's final user turn answers: each earlier user turn is a prompt (source
 * import, approved, known by turnHash so rows that share a beginning share its prompts and a
 * re-import finds them), each earlier assistant turn a completion of that prompt, found by its
 * text or added. The first turn carries the system message. Two rows that diverge at an
 * assistant reply make two sibling completions; at a user turn, two sibling prompts: the
 * paths form a tree. Returns the parent completion id and what was created. Costs up to two
 * look-ups per turn the cache has not seen.
 */
export async function importConversationPath(
  tx: DbOrTx,
  projectId: string,
  conv: ImportConversation,
  cache: PathCache,
): Promise<{ parentCompletionId: string | null; prompts: number; completions: number }> {
  let parent: string | null = null;
  let promptsMade = 0;
  let completionsMade = 0;
  for (let i = 0; i < conv.turns.length; i++) {
    const turn = conv.turns[i];
    const hash = turnHash(conv, i);
    let node = cache.get(hash);
    if (!node) {
      const placed = await q.insertPromptOnce(tx, {
        projectId,
        instruction: turn.user,
        input: null,
        category: null,
        authorId: null,
        source: "import",
        status: "approved",
        contentHash: hash,
        parentCompletionId: parent,
        system: i === 0 ? conv.system : null,
        submittedAt: new Date(),
      });
      if (placed.created) promptsMade++;
      node = { promptId: placed.id, replies: new Map() };
      cache.set(hash, node);
    }
    let reply = node.replies.get(turn.assistant);
    if (!reply) {
      reply = (await q.findCompletionByText(tx, node.promptId, turn.assistant)) ?? undefined;
      if (!reply) {
        reply = await q.insertCompletion(tx, { promptId: node.promptId, text: turn.assistant, source: "import", generator: null });
        completionsMade++;
      }
      node.replies.set(turn.assistant, reply);
    }
    parent = reply;
  }
  return { parentCompletionId: parent, prompts: promptsMade, completions: completionsMade };
}
