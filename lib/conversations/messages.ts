// A prompt as the chat messages a model answers: the conversation's system message, the earlier turns, then this user turn.

export type ChatMessage = { role: "system" | "user" | "assistant"; content: string };

/** What generation knows of a prompt: its text, and where it continues a conversation, the turns before it (db/queries/conversations' Conversation). */
export type PromptWithHistory = {
  instruction: string;
  input: string | null;
  system?: string | null;
  conversation?: { system: string | null; turns: Array<{ user: string; assistant: string }> } | null;
};

/** The user turn's text: the instruction, then the input after a blank line when there is one. */
export function userTurn(p: { instruction: string; input: string | null }): string {
  return p.input ? `${p.instruction}\n\n${p.input}` : p.instruction;
}

/**
 * The whole history as messages, oldest first, ending with this prompt's user turn. A
 * single-turn prompt without a system message is one user message, which is exactly what
 * model sources and the trainer were sent before conversations existed.
 */
export function promptMessages(p: PromptWithHistory): ChatMessage[] {
  const system = p.conversation ? p.conversation.system : (p.system ?? null);
  const out: ChatMessage[] = system !== null ? [{ role: "system", content: system }] : [];
  for (const t of p.conversation?.turns ?? []) out.push({ role: "user", content: t.user }, { role: "assistant", content: t.assistant });
  out.push({ role: "user", content: userTurn(p) });
  return out;
}
