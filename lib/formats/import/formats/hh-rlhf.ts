// Anthropic HH-RLHF rows {chosen, rejected}: two transcripts sharing a dialogue, differing in the last Assistant turn.
import { defineRowFormat, rowError, rowObject } from "./fields";
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
 * Instruction text. A single Human turn becomes a plain instruction (its text without the
 * "Human:" label), so it looks like any other prompt. A multi-turn dialogue is kept whole
 * — "Human: …\n\nAssistant: …\n\nHuman: …" — because the final reply only makes sense
 * after the earlier turns; meta.turns counts the Human turns so curation can tell them apart.
 * Replies are trimmed; a handful of HH replies are empty, which is kept (the data prefers
 * saying nothing to a harmful answer there).
 */
export const hhRlhfFormat = defineRowFormat("hh-rlhf", importHhRlhfRowInput, (row, line) => {
  const split = splitHhTranscripts(row.chosen, row.rejected);
  if (!split) throw rowError(line, "rejected", 'does not share a dialogue with "chosen" up to an "Assistant:" turn');
  const turns = countOccurrences(split.prompt, HUMAN) || 1;
  const dialogue = split.prompt.trim();
  const instruction = turns === 1 && dialogue.startsWith("Human:") ? dialogue.slice("Human:".length).trim() : dialogue;
  if (!instruction) throw rowError(line, "chosen", "expected a non-empty Human turn before the last Assistant turn");
  return {
    instruction,
    input: null,
    category: null,
    completions: [
      { text: split.chosen, source: "import", generator: null },
      { text: split.rejected, source: "import", generator: null },
    ],
    ranking: [[0], [1]],
    meta: { turns },
  };
});

function countOccurrences(s: string, needle: string): number {
  let n = 0;
  for (let i = s.indexOf(needle); i >= 0; i = s.indexOf(needle, i + needle.length)) n++;
  return n;
}
