// Tokenizers behind one interface (byte-level, GPT-2 BPE, Hugging Face tokenizer.json), each with its chat template;
// loaded from a checkpoint folder.
import { byteTokenizer } from "./byte";
import { loadBpeTokenizer } from "./bpe";
import { loadHfTokenizer } from "./hf";

export type Message = { role: "user" | "assistant" | "system"; content: string };

export type Tokenizer = {
  kind: "byte" | "gpt2-bpe" | "hf";
  vocabSize: number;
  /** closes each assistant turn; generation stops on it */
  end: number;
  /** every id that ends generation (end included); default [end] */
  stops?: number[];
  /** fills batches; always masked out of losses and attention */
  pad: number;
  encode(text: string): number[];
  /** special tokens decode to nothing */
  decode(ids: number[]): string;
  /** the chat template: ids, and mask 1 on the tokens SFT learns (the assistant's content and its end token) */
  renderChat(messages: Message[]): { ids: number[]; mask: number[] };
  /** the turns so far, then what opens an assistant turn */
  renderPrompt(messages: Message[]): number[];
  /** a response continuing renderPrompt, end token included (DPO's chosen/rejected) */
  renderResponse(messages: Message[]): number[];
  /** what a checkpoint folder stores to load it again: file name → contents */
  files(): Record<string, string>;
};

export function loadTokenizer(kind: Tokenizer["kind"], dir: string, opts: { eosIds?: number[] } = {}): Tokenizer {
  return kind === "gpt2-bpe" ? loadBpeTokenizer(dir) : kind === "hf" ? loadHfTokenizer(dir, opts) : byteTokenizer;
}

export { BYTE_VOCAB_SIZE, SPECIAL, byteTokenizer, decodeTokens, encodeText, renderChat, renderPrompt } from "./byte";
export { bpeTokenizer, bytesToUnicode, loadBpeTokenizer } from "./bpe";
export { loadHfTokenizer } from "./hf";
