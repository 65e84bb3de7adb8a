// A prompt's history as messages, for showing the conversation above the replies being ranked.
import "server-only";
import type { DbOrTx } from "@/db/client";
import { getPromptHistory } from "@/db/queries/conversations";
import { promptMessages, type ChatMessage } from "./messages";

/** The messages before a prompt's user turn (system message, earlier turns), oldest first; [] for a single-turn prompt. One query. */
export async function historyBefore(db: DbOrTx, promptId: string): Promise<ChatMessage[]> {
  const h = await getPromptHistory(db, promptId);
  return promptMessages({ instruction: "", input: null, ...h }).slice(0, -1);
}
