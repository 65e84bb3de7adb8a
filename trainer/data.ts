// Snapshot folders → token sequences (pretrain text, SFT chats with the assistant mask, DPO pairs), padded batches,
// and the data order: a fresh seeded permutation per epoch, so the batch of a step depends only on (seed, step).
import fs from "node:fs";
import path from "node:path";
import * as tf from "@tensorflow/tfjs";
import { z } from "zod";
import { TrainerError } from "./protocol";
import { createRng } from "./rng";
import { byteTokenizer, type Message, type Tokenizer } from "./tokenizer";

/** `promptId`: the row's meta.promptId (export snapshots carry it), so held-out figures can be grouped by the prompt's category. */
export type SftExample = { ids: number[]; mask: number[]; promptId?: string };
export type PrefExample = { prompt: number[]; chosen: number[]; rejected: number[] };
export type Snapshot = ReturnType<typeof loadSnapshot>;

/** A snapshot that is missing or malformed (the CLI answers exit 2). */
export class DataError extends TrainerError {
  constructor(message: string) {
    super("data", message);
  }
}

/** A seeded PRNG (mulberry32, trainer/rng.ts, shared with the leaderboard bootstrap) so data order, and so the run, repeats for a seed. */
export const rng = createRng;

const jsonObject = z.record(z.string(), z.unknown());
const messageList = z.array(z.object({ role: z.enum(["user", "assistant", "system"]), content: z.string() }));
const manifestFile = z.object({ id: z.string().optional() });

function readJsonl(file: string): Record<string, unknown>[] {
  if (!fs.existsSync(file)) return [];
  return fs
    .readFileSync(file, "utf8")
    .split("\n")
    .map((line, i) => ({ line, i }))
    .filter(({ line }) => line.trim())
    .map(({ line, i }) => {
      let row: unknown;
      try {
        row = JSON.parse(line);
      } catch {
        throw new DataError(`${file}: line ${i + 1} is not valid JSON`);
      }
      const parsed = jsonObject.safeParse(row);
      if (!parsed.success) throw new DataError(`${file}: line ${i + 1} is not a JSON object`);
      return parsed.data;
    });
}

function messagesOf(file: string, row: Record<string, unknown>, field: string, k: number): Message[] {
  const v = messageList.safeParse(row[field]);
  if (!v.success) throw new DataError(`${file}: row ${k + 1}: field "${field}" must be a list of {role, content} messages`);
  return v.data;
}

/** Reads a snapshot's files; sequences are cut to seqLen + 1 tokens (inputs and next-token targets). */
export function loadSnapshot(dir: string, seqLen: number, tok: Tokenizer = byteTokenizer) {
  if (!fs.existsSync(path.join(dir, "manifest.json"))) throw new DataError(`not a snapshot: ${path.join(dir, "manifest.json")} is missing`);
  let raw: unknown;
  try {
    raw = JSON.parse(fs.readFileSync(path.join(dir, "manifest.json"), "utf8"));
  } catch {
    throw new DataError(`not a snapshot: ${path.join(dir, "manifest.json")} is not valid JSON`);
  }
  const parsedManifest = manifestFile.safeParse(raw);
  if (!parsedManifest.success) throw new DataError(`not a snapshot: ${path.join(dir, "manifest.json")} is not an object with a string "id"`);
  const manifest = parsedManifest.data;
  const budget = seqLen + 1;
  const sftRows = (split: string) => readJsonl(path.join(dir, `sft.${split}.jsonl`));
  const sft = (split: string): SftExample[] =>
    sftRows(split).map((r, k) => {
      const { ids, mask } = tok.renderChat(messagesOf(path.join(dir, `sft.${split}.jsonl`), r, "messages", k));
      const promptId = (r.meta as { promptId?: unknown } | undefined)?.promptId;
      return { ids: ids.slice(0, budget), mask: mask.slice(0, budget), ...(typeof promptId === "string" ? { promptId } : {}) };
    });
  // Pretraining text: pretrain.<split>.jsonl rows {text}, else the SFT rows' text or message contents; each document
  // ends with the end token and is cut into windows of seqLen + 1 tokens that overlap by one (every token a target).
  const pretrain = (split: string): SftExample[] => {
    const file = path.join(dir, `pretrain.${split}.jsonl`);
    const rows = fs.existsSync(file) ? readJsonl(file) : sftRows(split);
    return rows.flatMap((r, k) => {
      const text = typeof r.text === "string" ? r.text : messagesOf(file, r, "messages", k).map((m) => m.content).join("\n\n");
      const ids = [...tok.encode(text), tok.end];
      const out: SftExample[] = [];
      for (let i = 0; i + 1 < ids.length; i += seqLen) out.push({ ids: ids.slice(i, i + budget), mask: ids.slice(i, i + budget).map(() => 1) });
      return out;
    });
  };
  const pref = (split: string): PrefExample[] => {
    const file = path.join(dir, `preference.${split}.jsonl`);
    return readJsonl(file).map((r, k) => {
      const prompt = tok.renderPrompt(messagesOf(file, r, "prompt", k));
      const chosen = tok.renderResponse(messagesOf(file, r, "chosen", k));
      const rejected = tok.renderResponse(messagesOf(file, r, "rejected", k));
      // Keep the end of the prompt and the start of the responses when too long.
      const room = Math.max(8, budget - Math.max(chosen.length, rejected.length));
      const p = prompt.slice(-Math.min(prompt.length, room));
      return { prompt: p, chosen: chosen.slice(0, budget - p.length), rejected: rejected.slice(0, budget - p.length) };
    });
  };
  return {
    id: manifest.id ?? path.basename(dir),
    pad: tok.pad,
    pretrainTrain: pretrain("train"),
    pretrainEval: pretrain("eval"),
    sftTrain: sft("train"),
    sftEval: sft("eval"),
    prefTrain: pref("train"),
    prefEval: pref("eval"),
  };
}

export type Batch = { x: tf.Tensor2D; y: tf.Tensor2D; m: tf.Tensor2D; tokens: number };

/** Pads sequences to one length; returns inputs [B, T], next-token targets [B, T] and the loss mask [B, T]. */
export function sftBatch(examples: SftExample[], pad: number): Batch {
  const T = Math.max(...examples.map((e) => e.ids.length)) - 1;
  const x: number[] = [], y: number[] = [], m: number[] = [];
  for (const e of examples) {
    for (let t = 0; t < T; t++) {
      x.push(e.ids[t] ?? pad);
      y.push(e.ids[t + 1] ?? pad);
      m.push(t + 1 < e.ids.length ? e.mask[t + 1] : 0);
    }
  }
  const B = examples.length;
  return { x: tf.tensor2d(x, [B, T], "int32"), y: tf.tensor2d(y, [B, T], "int32"), m: tf.tensor2d(m, [B, T]), tokens: m.reduce((a, b) => a + b, 0) };
}

/** Chosen and rejected sequences interleaved: [2B, T]; the mask covers the response tokens only. */
export function prefBatch(examples: PrefExample[], pad: number): Batch {
  return sftBatch(examples.flatMap((e) => [e.chosen, e.rejected].map((r) => ({ ids: [...e.prompt, ...r], mask: [...e.prompt.map(() => 0), ...r.map(() => 1)] }))), pad);
}

export function disposeBatch(b: Batch) {
  tf.dispose([b.x, b.y, b.m]);
}

/** Example indices for positions [from, from + count) of a stage's stream: epoch e is permutation(seed, stage, e). */
export function pickExamples(n: number, from: number, count: number, seed: number, stage: number): number[] {
  const perms = new Map<number, number[]>();
  return Array.from({ length: count }, (_, j) => {
    const pos = from + j;
    const epoch = Math.floor(pos / n);
    if (!perms.has(epoch)) {
      const r = rng(seed * 1_000_003 + stage * 7919 + epoch);
      const perm = Array.from({ length: n }, (_, i) => i);
      for (let i = n - 1; i > 0; i--) {
        const k = Math.floor(r() * (i + 1));
        [perm[i], perm[k]] = [perm[k], perm[i]];
      }
      perms.set(epoch, perm);
    }
    return perms.get(epoch)![pos % n];
  });
}
