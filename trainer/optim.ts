// The optimizer: AdamW (Loshchilov & Hutter 2019) after global-norm clipping, and linear warm-up then cosine decay.
import * as tf from "@tensorflow/tfjs";
import type { Params } from "./model";

export function learningRate(step: number, total: number, base: number, warmup: number): number {
  if (step < warmup) return (base * (step + 1)) / warmup;
  const progress = Math.min(1, (step - warmup) / Math.max(1, total - warmup));
  // Cosine decay to 10% of the base rate.
  return base * (0.1 + 0.9 * 0.5 * (1 + Math.cos(Math.PI * progress)));
}

export type Moments = Record<string, tf.Tensor>;

/** One AdamW update of every parameter in place (β = 0.9, 0.95); weight decay on matrices only; t counts from 1. */
export function adamwStep(p: Params, grads: Record<string, tf.Tensor>, m: Moments, v: Moments, t: number, lr: number, wd: number, maxNorm: number) {
  const [b1, b2, eps] = [0.9, 0.95, 1e-8];
  tf.tidy(() => {
    const norm = tf.sqrt(tf.addN(Object.values(grads).map((g) => g.square().sum()))).dataSync()[0];
    const scale = norm > maxNorm ? maxNorm / (norm + 1e-6) : 1;
    for (const [k, param] of Object.entries(p)) {
      const g = grads[k].mul(scale);
      const mk = m[k].mul(b1).add(g.mul(1 - b1));
      const vk = v[k].mul(b2).add(g.square().mul(1 - b2));
      const mhat = mk.div(1 - b1 ** t);
      const vhat = vk.div(1 - b2 ** t);
      let update = mhat.div(vhat.sqrt().add(eps));
      if (param.shape.length >= 2) update = update.add(param.mul(wd));
      param.assign(param.sub(update.mul(lr)));
      m[k].dispose();
      v[k].dispose();
      m[k] = tf.keep(mk);
      v[k] = tf.keep(vk);
    }
  });
}
