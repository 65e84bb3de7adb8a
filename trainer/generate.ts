// Sampling from a checkpoint: temperature, top-k, top-p, max new tokens, stop at the end token; several prompts at once.
import * as tf from "@tensorflow/tfjs";
import type { ModelConfig } from "./config";
import { forward, type Params } from "./model";
import { SPECIAL, decodeTokens, renderPrompt } from "./tokenizer";
import { rng } from "./train";

export type SampleOptions = { maxNewTokens: number; temperature: number; topK: number; topP: number; seed: number };

/** Picks the next token from logits [V] (greedy when temperature is 0). */
export function sampleToken(logits: Float32Array, o: SampleOptions, r: () => number): number {
  if (o.temperature <= 0) return logits.indexOf(Math.max(...logits));
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

/** Generates a reply per prompt; each sequence stops at <|end|> or after maxNewTokens. */
export function generateReplies(p: Params, cfg: ModelConfig, prompts: string[], o: SampleOptions): string[] {
  const r = rng(o.seed);
  return prompts.map((text) => {
    const ids = renderPrompt([{ role: "user", content: text }]);
    const out: number[] = [];
    for (let t = 0; t < o.maxNewTokens; t++) {
      const ctx = [...ids, ...out].slice(-cfg.blockSize);
      const last = tf.tidy(() => {
        const logits = forward(p, cfg, tf.tensor2d(ctx, [1, ctx.length], "int32"));
        return logits.slice([0, ctx.length - 1, 0], [1, 1, cfg.vocabSize]).reshape([cfg.vocabSize]);
      });
      const next = sampleToken(last.dataSync() as Float32Array, o, r);
      last.dispose();
      if (next === SPECIAL.end) break;
      out.push(next);
    }
    return decodeTokens(out);
  });
}
