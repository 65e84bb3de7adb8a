// Chat-shaped rows: TRL preference pairs {prompt, chosen, rejected} and OpenAI fine-tuning rows {messages}.
import { z } from "zod";
import type { ImportConversation } from "../types";
import { anyText, conversationOf, defineRowFormat, messageInput, nonEmptyText, renderMessages, rowError, rowObject, type Message } from "./fields";

const messages = z.array(messageInput, { error: "expected a list of messages {role, content}" });
const textOrMessages = z.union([anyText, messages], { error: "expected a string or a list of messages {role, content}" });

export const importTrlRowInput = rowObject({
  prompt: z.union([nonEmptyText, messages.min(1, { error: "expected at least one message" })], {
    error: "expected a string or a list of messages {role, content}",
  }).optional(),
  chosen: textOrMessages,
  rejected: textOrMessages,
});

/**
 * TRL's preference formats: standard ({prompt, chosen, rejected} as strings), conversational
 * (the same as message lists), and conversational with an implicit prompt (no prompt;
 * chosen and rejected are whole conversations, whose shared leading messages are the
 * prompt). A prompt of alternating turns (optional system first, ending with a user turn) is
 * a conversation: its last user turn is the instruction and the rest its history (see
 * conversationOf). Any other multi-message prompt is rendered with turn labels (see
 * renderMessages) and the messages themselves are kept in meta.promptMessages.
 */
export const trlFormat = defineRowFormat("trl", importTrlRowInput, (row, line) => {
  let prompt = row.prompt;
  let chosen = row.chosen;
  let rejected = row.rejected;
  if (prompt === undefined) {
    if (typeof chosen === "string" || typeof rejected === "string") {
      throw rowError(line, "prompt", "expected a non-empty string (or chosen/rejected as message lists)");
    }
    let k = 0;
    while (k < chosen.length - 1 && k < rejected.length - 1 && sameMessage(chosen[k], rejected[k])) k++;
    if (k === 0) throw rowError(line, "prompt", "chosen and rejected share no leading messages to use as the prompt");
    prompt = chosen.slice(0, k);
    chosen = chosen.slice(k);
    rejected = rejected.slice(k);
  }
  const completions = [
    { text: completionText(chosen), source: "import" as const, generator: null },
    { text: completionText(rejected), source: "import" as const, generator: null },
  ];
  const conv = typeof prompt === "string" ? null : conversationOf(prompt);
  if (conv) return { instruction: conv.last, input: null, category: null, completions, ranking: [[0], [1]], ...conversationField(conv.conversation), meta: {} };
  const instruction = typeof prompt === "string" ? prompt : renderMessages(prompt);
  if (!instruction.trim()) throw rowError(line, "prompt", "expected a non-empty string");
  return {
    instruction,
    input: null,
    category: null,
    completions,
    ranking: [[0], [1]],
    meta: typeof prompt === "string" || isSingleUser(prompt) ? {} : { promptMessages: prompt },
  };
});

export const importOpenAiChatRowInput = rowObject({
  messages: messages
    .min(2, { error: "expected at least a user message and an assistant reply" })
    .refine((ms) => ms[ms.length - 1].role === "assistant", { error: 'expected the last message to have role "assistant"' })
    .refine((ms) => ms[ms.length - 1].content.trim().length > 0, { error: "expected a non-empty assistant reply" }),
});

/** OpenAI chat fine-tuning rows: the last assistant message is the demonstration, the messages before it the prompt. */
export const openAiChatFormat = defineRowFormat("openai-chat", importOpenAiChatRowInput, (row, line) => {
  const prompt = row.messages.slice(0, -1);
  const completions = [{ text: row.messages[row.messages.length - 1].content, source: "human" as const, generator: null }];
  const conv = conversationOf(prompt);
  if (conv) return { instruction: conv.last, input: null, category: null, completions, ranking: null, ...conversationField(conv.conversation), meta: {} };
  const instruction = renderMessages(prompt);
  if (!instruction.trim()) throw rowError(line, "messages", "expected a non-empty prompt before the assistant reply");
  return {
    instruction,
    input: null,
    category: null,
    completions,
    ranking: null,
    meta: isSingleUser(prompt) ? {} : { promptMessages: prompt },
  };
});

/** A conversation with history or a system message; a lone user turn is a plain prompt. */
function conversationField(c: ImportConversation): { conversation?: ImportConversation } {
  return c.turns.length || c.system !== null ? { conversation: c } : {};
}

function completionText(c: string | Message[]): string {
  if (typeof c === "string") return c;
  return c.length === 1 ? c[0].content : renderMessages(c);
}

function sameMessage(a: Message, b: Message): boolean {
  return a.role === b.role && a.content === b.content;
}

function isSingleUser(ms: Message[]): boolean {
  return ms.length === 1 && ms[0].role === "user";
}

