// A prompt's history as messages, for showing the conversation above the replies being ranked.
import "server-only";
import type { DbOrTx } from "@/db/client";
import { getPromptHistory, listPromptHistories } from "@/db/queries/conversations";
import { promptMessages, type ChatMessage } from "./messages";

/** The messages before a prompt's user turn (system message, earlier turns), oldest first; [] for a single-turn prompt. One query. */
export async function historyBefore(db: DbOrTx, promptId: string): Promise<ChatMessage[]> {
  const h = await getPromptHistory(db, promptId);
  return promptMessages({ instruction: "", input: null, ...h }).slice(0, -1);
}

/** historyBefore for many prompts in one query: prompt id → its earlier messages; single-turn prompts are left out. */
export async function historiesBefore(db: DbOrTx, promptIds: string[]): Promise<Map<string, ChatMessage[]>> {
  const out = new Map<string, ChatMessage[]>();
  for (const [id, h] of await listPromptHistories(db, promptIds)) {
    const messages = promptMessages({ instruction: "", input: null, ...h }).slice(0, -1);
    if (messages.length) out.set(id, messages);
  }
  return out;
}
