// Sampling from a checkpoint (as in GPT-2's sample.py / nanoGPT's generate): temperature, top-k, top-p, max new
// tokens, stop at an end token (any of the model's); several prompts at once (left padding, per-row positions) with a key/value cache.
import * as tf from "@tensorflow/tfjs";
import type { ModelConfig } from "./config";
import { rng } from "./data";
import { decode, type KVCache, type Params } from "./model";
import { byteTokenizer, type Message, type Tokenizer } from "./tokenizer";

export type SampleOptions = {
  maxNewTokens: number;
  temperature: number;
  topK: number;
  topP: number;
  seed: number;
  /** default true */
  cache?: boolean;
  /** token id → added to its logit before sampling, as OpenAI's logit_bias (-100 bans the token, 100 all but forces it) */
  logitBias?: Record<number, number>;
};

/** The logits with `bias` added (a copy; the input is left as it is). */
function withBias(logits: Float32Array, bias: Record<number, number> | undefined): Float32Array {
  if (!bias) return logits;
  const out = Float32Array.from(logits);
  for (const [id, b] of Object.entries(bias)) if (Number(id) < out.length) out[Number(id)] += b;
  return out;
}

/** Picks the next token from logits [V] (greedy when temperature is 0). */
export function sampleToken(raw: Float32Array, o: SampleOptions, r: () => number): number {
  const logits = withBias(raw, o.logitBias);
  if (o.temperature <= 0) {
    let best = 0;
    for (let i = 1; i < logits.length; i++) if (logits[i] > logits[best]) best = i;
    return best;
  }
  const scaled = Array.from(logits, (x, i) => ({ i, x: x / o.temperature }));
  scaled.sort((a, b) => b.x - a.x);
  let pool = o.topK > 0 ? scaled.slice(0, o.topK) : scaled;
  const max = pool[0].x;
  let probs = pool.map((p) => Math.exp(p.x - max));
  const total = probs.reduce((a, b) => a + b, 0);
  probs = probs.map((p) => p / total);
  if (o.topP < 1) {
    let acc = 0;
    let cut = probs.length;
    for (let k = 0; k < probs.length; k++) {
      acc += probs[k];
      if (acc >= o.topP) {
        cut = k + 1;
        break;
      }
    }
    pool = pool.slice(0, cut);
    const sub = probs.slice(0, cut);
    const s = sub.reduce((a, b) => a + b, 0);
    probs = sub.map((p) => p / s);
  }
  let u = r();
  for (let k = 0; k < probs.length; k++) {
    u -= probs[k];
    if (u <= 0) return pool[k].i;
  }
  return pool[pool.length - 1].i;
}

/**
 * Positions [B, Tq] and attention bias [B, 1, Tq, Tk] for queries at columns q0.. and keys at columns k0.. of the
 * left-padded matrix: row r's text starts at column max(padLeft[r], k0), which is its position 0; a query sees keys
 * of its own row's text up to itself (and itself, so a padding query never has an empty softmax).
 */
function layout(padLeft: number[], q0: number, k0: number, L: number) {
  const [Tq, Tk] = [L - q0, L - k0];
  const pos: number[] = [];
  const bias = new Float32Array(padLeft.length * Tq * Tk);
  padLeft.forEach((pad, r) => {
    const start = Math.max(pad, k0);
    for (let i = 0; i < Tq; i++) {
      const qc = q0 + i;
      pos.push(Math.max(0, qc - start));
      for (let j = 0; j < Tk; j++) {
        const kc = k0 + j;
        if (kc > qc || (kc < start && kc !== qc)) bias[(r * Tq + i) * Tk + j] = -1e9;
      }
    }
  });
  return { positions: tf.tensor2d(pos, [padLeft.length, Tq], "int32"), bias: tf.tensor4d(bias, [padLeft.length, 1, Tq, Tk]) };
}

/**
 * Continues each prompt (token ids) until `end` or maxNewTokens, all rows in one batch. While the sequence fits the
 * context the keys/values of earlier tokens are cached and each step feeds one column; past the context each step
 * runs on the last blockSize tokens, exactly as without a cache.
 */
export function generateTokens(p: Params, cfg: ModelConfig, prompts: number[][], o: SampleOptions, end: number | number[], pad: number): number[][] {
  const r = rng(o.seed);
  const stops = new Set(Array.isArray(end) ? end : [end]);
  const B = prompts.length;
  let L = Math.max(...prompts.map((x) => x.length));
  const padLeft = prompts.map((x) => L - x.length);
  const rows = prompts.map((x, i) => [...Array<number>(padLeft[i]).fill(pad), ...x]); // [B, L]
  const outs: number[][] = prompts.map(() => []);
  const finished = prompts.map(() => false);
  let cache: KVCache | null = null;
  for (let t = 0; t < o.maxNewTokens && !finished.every(Boolean); t++) {
    const useCache = o.cache !== false && L <= cfg.blockSize;
    const k0 = useCache ? 0 : Math.max(0, L - cfg.blockSize);
    const q0 = useCache && cache ? L - 1 : k0;
    const last = tf.tidy(() => {
      const { positions, bias } = layout(padLeft, q0, k0, L);
      const idx = tf.tensor2d(rows.map((row) => row.slice(q0)), [B, L - q0], "int32");
      const out = decode(p, cfg, idx, { positions, bias, past: useCache && cache ? cache : undefined, lastOnly: true });
      return { logits: out.logits.reshape([B, cfg.vocabSize]), k: useCache ? out.present.k : [], v: useCache ? out.present.v : [] };
    }) as { logits: tf.Tensor2D; k: tf.Tensor[]; v: tf.Tensor[] };
    if (cache) tf.dispose([...cache.k, ...cache.v]);
    cache = useCache ? { k: last.k, v: last.v } : null;
    const logits = last.logits.dataSync() as Float32Array;
    last.logits.dispose();
    for (let b = 0; b < B; b++) {
      const next = finished[b] ? pad : sampleToken(logits.subarray(b * cfg.vocabSize, (b + 1) * cfg.vocabSize), o, r);
      if (stops.has(next)) finished[b] = true;
      else if (!finished[b]) outs[b].push(next);
      rows[b].push(next);
    }
    L += 1;
  }
  if (cache) tf.dispose([...cache.k, ...cache.v]);
  return outs;
}

/** Generates a reply per prompt with the tokenizer's chat template: a user turn's text, or a whole conversation (system, earlier turns, the user turn). */
export function generateReplies(p: Params, cfg: ModelConfig, prompts: Array<string | Message[]>, o: SampleOptions, tok: Tokenizer = byteTokenizer): string[] {
  const ids = prompts.map((prompt) => tok.renderPrompt(typeof prompt === "string" ? [{ role: "user", content: prompt }] : prompt));
  return generateTokens(p, cfg, ids, o, tok.stops ?? tok.end, tok.pad).map((out) => tok.decode(out));
}
