// A tiny hand-made GPT-2-style BPE vocabulary for tests: the 256 byte symbols, seven merges and <|endoftext|>.
import fs from "node:fs";
import path from "node:path";
import { bytesToUnicode } from "@/trainer/tokenizer";

export const tinyMerges = ["h e", "l l", "he ll", "hell o", "Ġ w", "o r", "Ġw or"];

export function tinyVocab(): Record<string, number> {
  const vocab: Record<string, number> = {};
  bytesToUnicode().forEach((c, b) => (vocab[c] = b));
  tinyMerges.forEach((m, i) => (vocab[m.replace(" ", "")] = 256 + i));
  vocab["<|endoftext|>"] = 256 + tinyMerges.length;
  return vocab;
}

/** Writes vocab.json and merges.txt (with GPT-2's "#version" first line) into dir. */
export function writeTinyBpe(dir: string) {
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, "vocab.json"), JSON.stringify(tinyVocab()));
  fs.writeFileSync(path.join(dir, "merges.txt"), ["#version: 0.2", ...tinyMerges].join("\n") + "\n");
}
