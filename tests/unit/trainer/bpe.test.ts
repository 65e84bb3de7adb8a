// GPT-2 BPE: on GPT-2's real vocabulary (rebuilt from js-tiktoken's ranks) the ids equal js-tiktoken's for varied
// text; on a hand-made vocabulary, merge order, byte round trip, plain chat template and its mask, folder files.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { Tiktoken } from "js-tiktoken/lite";
import gpt2 from "js-tiktoken/ranks/gpt2";
import { describe, expect, it } from "vitest";
import { bpeTokenizer, bytesToUnicode, loadBpeTokenizer } from "@/trainer/tokenizer";
import { tinyMerges, tinyVocab, writeTinyBpe } from "@/tests/helpers/trainer-bpe-vocab";
import { gpt2VocabAndMerges } from "@/tests/helpers/trainer-gpt2-vocab";

const shared = path.resolve(import.meta.dirname, "../../../../shared/data/alpaca-seed-tasks.jsonl");

describe("GPT-2 BPE on the real GPT-2 vocabulary", () => {
  const { vocab, merges } = gpt2VocabAndMerges();
  const ours = bpeTokenizer(vocab, merges);
  const ref = new Tiktoken(gpt2);
  const texts = [
    "Hello world, it's 2026!",
    "I'm sure they'll say we'd've done it; THEY'RE wrong. She's isn't",
    "  leading spaces, trailing spaces   \n\n\nnew lines\r\n and\ttabs\t\t",
    "numbers 1234567890 3.14159 -42 1e-5 0x1F $100,000.00",
    "héllo naïve café — “quotes” ‘single’ … 日本語のテキスト 한국어 العربية עברית 🙂👍🏽 e\u0301",
    "code: function f(x) { return x**2 + 1; } // comment <div class=\"a\">&amp;</div>",
    "ALLCAPS lowercase MiXeD aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa !!!??? ... ---",
  ];
  it("encodes to js-tiktoken's gpt2 ids and decodes back to the text", () => {
    expect(Object.keys(vocab)).toHaveLength(50257);
    expect(merges).toHaveLength(50000);
    for (const t of texts) {
      expect(ours.encode(t), t).toEqual(ref.encode(t));
      expect(ours.decode(ours.encode(t))).toBe(t);
    }
  });
  it.skipIf(!fs.existsSync(shared))(`matches js-tiktoken on the 175 self-instruct seed tasks${fs.existsSync(shared) ? "" : " (skipped: ../shared/data is absent)"}`, () => {
    const rows = fs.readFileSync(shared, "utf8").split("\n").filter(Boolean).map((l) => JSON.stringify(JSON.parse(l)));
    expect(rows.length).toBe(175);
    for (const t of rows) expect(ours.encode(t)).toEqual(ref.encode(t));
  });
});

const vocab = tinyVocab();
const tok = bpeTokenizer(vocab, tinyMerges);
const sym = (ids: number[]) => ids.map((id) => Object.keys(vocab).find((k) => vocab[k] === id));

describe("GPT-2 BPE", () => {
  it("maps the 256 bytes to distinct printable characters, keeping printable ASCII as itself", () => {
    const m = bytesToUnicode();
    expect(new Set(m).size).toBe(256);
    expect(m[65]).toBe("A");
    expect(m[32]).toBe("Ġ");
    expect(m[10]).toBe("Ċ");
  });
  it("applies merges by rank and keeps the leading space with the word", () => {
    expect(sym(tok.encode("hello world"))).toEqual(["hello", "Ġwor", "l", "d"]);
    expect(sym(tok.encode("hell"))).toEqual(["hell"]);
    expect(sym(tok.encode("ohe"))).toEqual(["o", "he"]);
  });
  it("splits like GPT-2's pre-tokenizer (contractions, numbers, punctuation, runs of spaces)", () => {
    // "'m" is its own piece, so "m" never merges with what precedes it; "  x" is " " then " x".
    expect(sym(tok.encode("I'm 42!!  x"))).toEqual(["I", "'", "m", "Ġ", "4", "2", "!", "!", "Ġ", "Ġ", "x"]);
  });
  it("round-trips any unicode through bytes and drops the end token when decoding", () => {
    const s = "héllo ✓ 日本 🙂\n\ttabs  and  spaces ";
    expect(tok.decode(tok.encode(s))).toBe(s);
    expect(tok.decode([...tok.encode("hi"), tok.end])).toBe("hi");
  });
  it("renders chat as plain text and masks the assistant's content and end token", () => {
    const { ids, mask } = tok.renderChat([{ role: "user", content: "hi" }, { role: "assistant", content: "hello" }]);
    expect(tok.decode(ids)).toBe("User: hi\n\nAssistant: hello");
    expect(ids[ids.length - 1]).toBe(tok.end);
    expect(tok.decode(ids.filter((_, i) => mask[i]))).toBe(" hello");
    expect(sym(ids.filter((_, i) => mask[i]))).toEqual(["Ġ", "hello", "<|endoftext|>"]);
    // Prompt + response is the same token sequence as the whole conversation.
    expect([...tok.renderPrompt([{ role: "user", content: "hi" }]), ...tok.renderResponse([{ role: "assistant", content: "hello" }])]).toEqual(ids);
  });
  it("loads from a folder, saves its files and loads them back; refuses a vocab without <|endoftext|>", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "tl-bpe-"));
    writeTinyBpe(dir);
    const loaded = loadBpeTokenizer(dir);
    expect(loaded.encode("hello world")).toEqual(tok.encode("hello world"));
    const copy = fs.mkdtempSync(path.join(os.tmpdir(), "tl-bpe-"));
    for (const [f, text] of Object.entries(loaded.files())) fs.writeFileSync(path.join(copy, f), text);
    expect(loadBpeTokenizer(copy).encode("hello world")).toEqual(tok.encode("hello world"));
    expect(() => bpeTokenizer({ a: 0 }, [])).toThrow(/<\|endoftext\|>/);
    expect(() => loadBpeTokenizer(path.join(dir, "nope"))).toThrow(/vocab.json/);
  });
});
