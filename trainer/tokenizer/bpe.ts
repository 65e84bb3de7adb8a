// GPT-2 byte-level BPE (reference: openai/gpt-2 encoder.py) read from a folder's vocab.json and merges.txt, with a
// plain-text chat template (GPT-2 weights have no role tokens): "User: …\n\nAssistant: …<|endoftext|>".
import fs from "node:fs";
import path from "node:path";
import type { Message, Tokenizer } from "./index";

const END_TOKEN = "<|endoftext|>";
// GPT-2's pre-tokenizer: contractions, letters, numbers, other symbols (each with an optional leading space), spaces.
const PRETOKENIZE = /'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+/gu;

/** GPT-2's reversible map of the 256 bytes to printable characters (so merges never see spaces or control bytes). */
export function bytesToUnicode(): string[] {
  const printable = (b: number) => (b >= 33 && b <= 126) || (b >= 161 && b <= 172) || (b >= 174 && b <= 255);
  const out: string[] = [];
  let n = 0;
  for (let b = 0; b < 256; b++) out[b] = String.fromCharCode(printable(b) ? b : 256 + n++);
  return out;
}

export function bpeTokenizer(vocab: Record<string, number>, merges: string[]): Tokenizer {
  const end = vocab[END_TOKEN];
  if (end === undefined) throw new Error(`tokenizer: vocab.json has no ${END_TOKEN} token`);
  const byteChar = bytesToUnicode();
  const charByte = new Map(byteChar.map((c, b) => [c, b]));
  const ranks = new Map(merges.map((m, i) => [m, i]));
  const idToken: string[] = [];
  for (const [tok, id] of Object.entries(vocab)) idToken[id] = tok;
  const specials = new Set([end]);
  const cache = new Map<string, number[]>();
  const utf8 = new TextEncoder();
  const fromUtf8 = new TextDecoder("utf-8", { fatal: false });

  /** Merges the lowest-ranked adjacent pair until none is in merges.txt; returns the vocabulary ids. */
  function bpe(word: string): number[] {
    const hit = cache.get(word);
    if (hit) return hit;
    let parts = Array.from(word);
    for (;;) {
      let best = -1;
      let bestRank = Infinity;
      for (let i = 0; i + 1 < parts.length; i++) {
        const r = ranks.get(`${parts[i]} ${parts[i + 1]}`);
        if (r !== undefined && r < bestRank) [best, bestRank] = [i, r];
      }
      if (best < 0) break;
      const [a, b] = [parts[best], parts[best + 1]];
      const next: string[] = [];
      for (let i = 0; i < parts.length; i++) {
        if (i + 1 < parts.length && parts[i] === a && parts[i + 1] === b) next.push(a + parts[++i]);
        else next.push(parts[i]);
      }
      parts = next;
    }
    const ids = parts.map((p) => {
      const id = vocab[p];
      if (id === undefined) throw new Error(`tokenizer: symbol ${JSON.stringify(p)} is not in vocab.json`);
      return id;
    });
    cache.set(word, ids);
    return ids;
  }

  const encode = (text: string) => Array.from(text.matchAll(PRETOKENIZE), (m) => bpe(Array.from(utf8.encode(m[0]), (b) => byteChar[b]).join(""))).flat();
  const decode = (ids: number[]) => {
    const chars = ids.filter((id) => !specials.has(id)).map((id) => idToken[id] ?? "").join("");
    return fromUtf8.decode(Uint8Array.from(Array.from(chars, (c) => charByte.get(c) ?? 0)));
  };

  // Plain-text template, each piece encoded on its own so the mask falls on token boundaries.
  const renderChat = (messages: Message[]) => {
    const ids: number[] = [];
    const mask: number[] = [];
    const push = (t: number[], m: 0 | 1) => {
      ids.push(...t);
      mask.push(...t.map(() => m));
    };
    messages.forEach((m, i) => {
      if (m.role === "system") push(encode(`${m.content}\n\n`), 0);
      else if (m.role === "user") push(encode(`User: ${m.content}\n\n`), 0);
      else {
        push(encode("Assistant:"), 0);
        push([...encode(` ${m.content}`), end], 1);
        if (i + 1 < messages.length) push(encode("\n\n"), 0);
      }
    });
    return { ids, mask };
  };

  return {
    kind: "gpt2-bpe",
    vocabSize: Math.max(...Object.values(vocab)) + 1,
    end,
    pad: end,
    encode,
    decode,
    renderChat,
    renderPrompt: (messages) => [...renderChat(messages).ids, ...encode("Assistant:")],
    renderResponse: (messages) => [...encode(` ${messages.map((m) => m.content).join("\n\n")}`), end],
    files: () => ({
      "tokenizer.json": JSON.stringify({ type: "gpt2-bpe", end: END_TOKEN }),
      "vocab.json": JSON.stringify(vocab),
      "merges.txt": ["#version: 0.2", ...merges].join("\n") + "\n",
    }),
  };
}

/** Reads vocab.json and merges.txt (first line "#version: …" skipped) from a model folder. */
export function loadBpeTokenizer(dir: string): Tokenizer {
  for (const f of ["vocab.json", "merges.txt"]) if (!fs.existsSync(path.join(dir, f))) throw new Error(`${path.join(dir, f)} is missing (GPT-2 BPE needs vocab.json and merges.txt)`);
  const vocab = JSON.parse(fs.readFileSync(path.join(dir, "vocab.json"), "utf8")) as Record<string, number>;
  const merges = fs
    .readFileSync(path.join(dir, "merges.txt"), "utf8")
    .split("\n")
    .filter((l) => l.trim() && !l.startsWith("#version"));
  return bpeTokenizer(vocab, merges);
}
