// GPT-2 BPE on a hand-made vocabulary: merge order, pre-tokenizer, byte round trip, plain chat template and its mask.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { bpeTokenizer, bytesToUnicode, loadBpeTokenizer } from "@/trainer/tokenizer";
import { tinyMerges, tinyVocab, writeTinyBpe } from "@/tests/helpers/trainer-bpe-vocab";

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
    expect(sym(tok.encode("I'm 42!!  x"))).toEqual(["I", "'", "m", "Ġ", "4", "2", "!", "!", "Ġ", "Ġ", "x"]);
    // "'m" is its own piece, so "m" never merges with what precedes it; "  x" is " " then " x".
    const pieces = "I'm 42!!  x".match(/'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+/gu);
    expect(pieces).toEqual(["I", "'m", " 42", "!!", " ", " x"]);
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
