// Anthropic HH-RLHF rows {chosen, rejected}: two transcripts sharing a dialogue, differing in the last Assistant turn.
import { conversationOf, defineRowFormat, rowError, rowObject, type Message } from "./fields";
import { z } from "zod";

const ASSISTANT = "\n\nAssistant:";
const HUMAN = "\n\nHuman:";

const transcript = z
  .string({ error: 'expected a "\\n\\nHuman: … \\n\\nAssistant: …" transcript' })
  .refine((s) => s.includes(ASSISTANT), { error: 'expected a transcript with an "Assistant:" turn' });

export const importHhRlhfRowInput = rowObject({ chosen: transcript, rejected: transcript });

/**
 * The prompt is the dialogue both transcripts share, up to the last "\n\nAssistant:" that
 * lies inside their common prefix; the rest of each is its reply. Taking the common prefix
 * rather than each transcript's own last "Assistant:" matters: in a few rows one reply holds
 * a second "Assistant:" turn, and splitting each at its own last marker would give the two
 * completions different prompts. Returns null when no such marker exists.
 */
export function splitHhTranscripts(
  chosen: string,
  rejected: string,
): { prompt: string; chosen: string; rejected: string } | null {
  const max = Math.min(chosen.length, rejected.length);
  let common = 0;
  while (common < max && chosen.charCodeAt(common) === rejected.charCodeAt(common)) common++;
  if (common < ASSISTANT.length) return null;
  const cut = chosen.lastIndexOf(ASSISTANT, common - ASSISTANT.length);
  if (cut < 0) return null;
  const replyStart = cut + ASSISTANT.length;
  return { prompt: chosen.slice(0, cut), chosen: chosen.slice(replyStart).trim(), rejected: rejected.slice(replyStart).trim() };
}

/**
 * A dialogue as a conversation: the shared dialogue is split at its "Human:" and "Assistant:"
 * labels into alternating user and assistant messages (texts trimmed; two turns of one speaker
 * in a row, which a few HH dialogues have, are joined by a blank line). The last Human turn is
 * the instruction, the exchanges before it its history (meta.turns counts the Human turns), and
 * the two replies are ranked chosen over rejected. A dialogue that does not split that way (no
 * label at the start, an empty Human turn) is kept whole as one instruction, "Human: …\n\n
 * Assistant: …", as before. Replies are trimmed; a handful of HH replies are empty, which is
 * kept (the data prefers saying nothing to a harmful answer there).
 */
export const hhRlhfFormat = defineRowFormat("hh-rlhf", importHhRlhfRowInput, (row, line) => {
  const split = splitHhTranscripts(row.chosen, row.rejected);
  if (!split) throw rowError(line, "rejected", 'does not share a dialogue with "chosen" up to an "Assistant:" turn');
  const turns = countOccurrences(split.prompt, HUMAN) || 1;
  const completions = [
    { text: split.chosen, source: "import" as const, generator: null },
    { text: split.rejected, source: "import" as const, generator: null },
  ];
  const messages = hhMessages(split.prompt);
  const conv = messages && conversationOf(messages);
  if (conv) {
    const instruction = conv.last;
    return { instruction, input: null, category: null, completions, ranking: [[0], [1]], ...(conv.conversation.turns.length ? { conversation: conv.conversation } : {}), meta: { turns } };
  }
  const dialogue = split.prompt.trim();
  const instruction = turns === 1 && dialogue.startsWith("Human:") ? dialogue.slice("Human:".length).trim() : dialogue;
  if (!instruction) throw rowError(line, "chosen", "expected a non-empty Human turn before the last Assistant turn");
  return { instruction, input: null, category: null, completions, ranking: [[0], [1]], meta: { turns } };
});

/** "\n\nHuman: a\n\nAssistant: b\n\nHuman: c" → user a, assistant b, user c; null when the text does not start with a label. */
export function hhMessages(dialogue: string): Message[] | null {
  const parts = (dialogue.startsWith("\n\n") ? dialogue : `\n\n${dialogue.trimStart()}`).split(/\n\n(Human|Assistant):/);
  if (parts[0].trim()) return null;
  const out: Message[] = [];
  for (let i = 1; i < parts.length; i += 2) {
    const role = parts[i] === "Human" ? "user" : "assistant";
    const content = parts[i + 1].trim();
    const prev = out[out.length - 1];
    if (prev?.role === role) prev.content = `${prev.content}\n\n${content}`;
    else out.push({ role, content });
  }
  return out.length ? out : null;
}

function countOccurrences(s: string, needle: string): number {
  let n = 0;
  for (let i = s.indexOf(needle); i >= 0; i = s.indexOf(needle, i + needle.length)) n++;
  return n;
}
