// Token-by-token sampling of n continuations of one prompt (GPT-2's sample.py, one step at a time): a generator that
// yields each step's tokens, so a server can stream them and stop between any two steps. The rows share the prompt,
// so there is no padding: while the sequence fits the context the keys/values are cached and each step feeds one
// column; past the context each step runs on the last blockSize tokens (as trainer/generate.ts does).
import * as tf from "@tensorflow/tfjs";
import type { ModelConfig } from "./config";
import { rng } from "./data";
import { sampleToken, type SampleOptions } from "./generate";
import { decode, type KVCache, type Params } from "./model";

/**
 * Yields, per step, the token sampled for each of the n rows ([n]; -1 for a row already finished). The caller marks a
 * row finished in `finished` (its end token, a stop sequence) and may stop iterating at any time: the cache is freed.
 */
export function* sampleSteps(p: Params, cfg: ModelConfig, prompt: number[], n: number, o: SampleOptions, finished: boolean[]): Generator<number[], void, void> {
  const r = rng(o.seed);
  const rows = Array.from({ length: n }, () => [...prompt]); // [n, L]
  let cache: KVCache | null = null;
  try {
    for (let t = 0; t < o.maxNewTokens && !finished.every(Boolean); t++) {
      const L = rows[0].length;
      const useCache = L <= cfg.blockSize;
      // With a cache, only the newest column; past the context, the last blockSize columns from position 0.
      const start = useCache ? (cache ? L - 1 : 0) : L - cfg.blockSize;
      const past = useCache && cache ? cache : undefined;
      const step = tf.tidy(() => {
        const idx = tf.tensor2d(rows.map((row) => row.slice(start)), [n, L - start], "int32"); // [n, T]
        const out = decode(p, cfg, idx, { past, lastOnly: true });
        return { logits: out.logits.reshape([n, cfg.vocabSize]), k: useCache ? out.present.k : [], v: useCache ? out.present.v : [] }; // logits [n, V]
      });
      if (cache) tf.dispose([...cache.k, ...cache.v]);
      cache = useCache ? { k: step.k, v: step.v } : null;
      const logits = step.logits.dataSync() as Float32Array;
      step.logits.dispose();
      const picked = rows.map((row, b) => (finished[b] ? -1 : sampleToken(logits.subarray(b * cfg.vocabSize, (b + 1) * cfg.vocabSize), o, r)));
      // A finished row keeps a column (its last token again) so every row stays the same length.
      rows.forEach((row, b) => row.push(picked[b] >= 0 ? picked[b] : row[row.length - 1]));
      yield picked;
    }
  } finally {
    if (cache) tf.dispose([...cache.k, ...cache.v]);
  }
}
