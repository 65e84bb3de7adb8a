// Imported conversations: the earlier turns of a row become a path of prompts (one per user turn) joined by the assistant replies.
import "server-only";
import { createHash, randomUUID } from "node:crypto";
import type { DbOrTx } from "@/db/client";
import * as q from "@/db/queries/conversations";
import type { NewPrompt } from "@/db/schema";
import type { ImportConversation } from "@/lib/formats/import";
import { detectLanguage } from "@/lib/languages/detect";

/** Content hash of turn `i` of a conversation: its system message and every message up to that user turn. */
export function turnHash(conv: ImportConversation, i: number): string {
  const path = conv.turns.slice(0, i).map((t) => [t.user, t.assistant]);
  return createHash("sha256").update(JSON.stringify(["tuneloop-turn-v1", conv.system, path, conv.turns[i].user]), "utf8").digest("hex");
}

/** Remembers the turns an import has already placed, so rows sharing a history touch the database once per turn. */
export type PathCache = Map<string, { promptId: string; replies: Map<string, string> }>;

/**
 * The completion each row's final user turn answers. Each earlier user turn is a prompt
 * (source import, approved, known by turnHash so rows that share a beginning share its prompts
 * and a re-import finds them), each earlier assistant turn a completion of that prompt, found
 * by its text or added; the first turn carries the system message. Two rows that diverge at an
 * assistant reply make two sibling completions; at a user turn, two sibling prompts: the paths
 * form a tree. Rows are placed together, turn by turn: at each depth one
 * multi-row insert of the turns not yet placed (and one look-up of those another import
 * placed), one read of the replies of turns that existed before, and one insert of the new
 * replies. So a batch costs a few queries per turn depth, not per row. Returns each row's
 * parent completion (null for a row with no earlier turns) and what was created.
 */
export async function importConversationPaths(
  tx: DbOrTx,
  projectId: string,
  convs: ImportConversation[],
  cache: PathCache,
  /** the file's declared language (lib/languages); absent: each earlier turn's is detected */
  language?: string,
): Promise<{ parents: Array<string | null>; prompts: number; completions: number }> {
  const parents: Array<string | null> = convs.map(() => null);
  let promptsMade = 0;
  let completionsMade = 0;
  const depth = Math.max(0, ...convs.map((c) => c.turns.length));
  for (let i = 0; i < depth; i++) {
    const active = convs.flatMap((c, k) => (c.turns.length > i ? [{ c, k, hash: turnHash(c, i) }] : []));
    // The turns at this depth that the cache has not seen: insert them; a conflict means an earlier import placed it.
    const missing = new Map<string, NewPrompt>();
    for (const { c, k, hash } of active) {
      if (cache.has(hash) || missing.has(hash)) continue;
      missing.set(hash, {
        projectId,
        instruction: c.turns[i].user,
        input: null,
        category: null,
        language: language ?? detectLanguage(c.turns[i].user),
        authorId: null,
        source: "import",
        status: "approved",
        contentHash: hash,
        parentCompletionId: parents[k],
        system: i === 0 ? c.system : null,
        submittedAt: new Date(),
      });
    }
    const existed: string[] = [];
    if (missing.size) {
      const inserted = await q.insertPromptsOnce(tx, [...missing.values()]);
      promptsMade += inserted.length;
      for (const r of inserted) cache.set(r.contentHash!, { promptId: r.id, replies: new Map() });
      for (const r of await q.findPromptsByHash(tx, projectId, [...missing.keys()].filter((h) => !cache.has(h)))) {
        cache.set(r.contentHash!, { promptId: r.id, replies: new Map() });
        existed.push(r.id);
      }
    }
    // Replies of turns that existed before this import may already be there.
    const nodeById = new Map([...new Set(active.map((a) => a.hash))].map((h) => [cache.get(h)!.promptId, cache.get(h)!]));
    for (const r of await q.listCompletionTexts(tx, existed)) {
      const node = nodeById.get(r.promptId)!;
      if (!node.replies.has(r.text)) node.replies.set(r.text, r.id);
    }
    const rows: Array<{ id: string; promptId: string; text: string; source: "import"; generator: null }> = [];
    for (const { c, hash } of active) {
      const node = cache.get(hash)!;
      const text = c.turns[i].assistant;
      if (node.replies.has(text)) continue;
      const id = randomUUID();
      node.replies.set(text, id);
      rows.push({ id, promptId: node.promptId, text, source: "import", generator: null });
    }
    for (let j = 0; j < rows.length; j += 500) await q.insertCompletionRows(tx, rows.slice(j, j + 500));
    completionsMade += rows.length;
    for (const { c, k, hash } of active) parents[k] = cache.get(hash)!.replies.get(c.turns[i].assistant)!;
  }
  return { parents, prompts: promptsMade, completions: completionsMade };
}
