// Byte-level tokenizer (256 bytes + role/end/pad specials) and its chat template: `<role> content <end>` per turn.
import type { Message, Tokenizer } from "./index";

export const SPECIAL = { user: 256, assistant: 257, system: 258, end: 259, pad: 260 } as const;
export const BYTE_VOCAB_SIZE = 261;

const encoder = new TextEncoder();
const decoder = new TextDecoder("utf-8", { fatal: false });

export function encodeText(text: string): number[] {
  return Array.from(encoder.encode(text));
}

/** Drops special tokens; invalid UTF-8 (a cut multi-byte char) becomes U+FFFD. */
export function decodeTokens(ids: number[]): string {
  return decoder.decode(Uint8Array.from(ids.filter((t) => t < 256)));
}

/** Mask is 1 on the assistant's content and its end token (what SFT learns). */
export function renderChat(messages: Message[]): { ids: number[]; mask: number[] } {
  const ids: number[] = [];
  const mask: number[] = [];
  for (const m of messages) {
    const body = [...encodeText(m.content), SPECIAL.end];
    ids.push(SPECIAL[m.role], ...body);
    mask.push(0, ...body.map(() => (m.role === "assistant" ? 1 : 0)));
  }
  return { ids, mask };
}

/** The prompt for generation: the turns so far, then the assistant's role token. */
export function renderPrompt(messages: Message[]): number[] {
  return [...renderChat(messages).ids, SPECIAL.assistant];
}

export const byteTokenizer: Tokenizer = {
  kind: "byte",
  vocabSize: BYTE_VOCAB_SIZE,
  end: SPECIAL.end,
  pad: SPECIAL.pad,
  encode: encodeText,
  decode: decodeTokens,
  renderChat,
  renderPrompt,
  renderResponse: (messages) => messages.flatMap((m) => [...encodeText(m.content), SPECIAL.end]),
  files: () => ({ "tokenizer.json": JSON.stringify({ type: "byte", specials: ["<|user|>", "<|assistant|>", "<|system|>", "<|end|>", "<|pad|>"] }) }),
};
