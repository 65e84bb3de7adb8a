// One training step's loss and gradients (SFT/pretraining cross-entropy, DPO after Rafailov et al. 2023 with TRL's
// metric names), the reward model's Bradley–Terry loss (trainer/reward.ts), split into passes that fit memory, and the
// held-out evaluation; the loop in train.ts and the pilot run
// (pilot.ts) share them. `trainable` is what gets gradients: every weight (full fine-tuning) or the LoRA adapters.
import * as tf from "@tensorflow/tfjs";
import type { ModelConfig } from "./config";
import { disposeBatch, prefBatch, sftBatch, type PrefExample, type SftExample, type Snapshot } from "./data";
import { dpoLoss, sequenceLogProbs, sftLoss } from "./losses";
import type { Params } from "./model";
import type { Stage } from "./protocol";
import { disposeRewardBatch, evaluateRewards, pairSequences, rewardBatch, rewardLoss, rewards } from "./reward";

export type StepResult = { loss: tf.Scalar; grads: tf.NamedTensorMap; metrics: Record<string, number>; tokens: number };

/** Loss and gradients (keyed by parameter name) of one pass; every tensor but the returned ones is disposed. */
function microStep(p: Params, trainable: Params, cfg: ModelConfig, stage: Stage, data: Snapshot, picks: number[], ref: Float32Array | null, beta: number, recompute = false): StepResult {
  const vars = Object.values(trainable);
  const byName = (g: tf.NamedTensorMap) => Object.fromEntries(Object.entries(trainable).map(([k, v]) => [k, g[v.name]]));
  if (stage === "rm") {
    const b = rewardBatch(pairSequences(picks.map((i) => data.prefTrain[i])), data.pad, cfg.blockSize);
    let stats: number[] = [];
    const { value, grads } = tf.variableGrads(() => {
      const out = rewardLoss(rewards(p, cfg, b, recompute));
      stats = [out.chosen, out.rejected, out.margins.greater(0).cast("float32"), out.margins].map((t) => t.mean().dataSync()[0]);
      return out.loss;
    }, vars);
    disposeRewardBatch(b);
    const metrics = { "rewards/chosen": stats[0], "rewards/rejected": stats[1], accuracy: stats[2], margin: stats[3] };
    return { loss: value, grads: byName(grads), metrics, tokens: b.x.size };
  }
  if (stage !== "dpo") {
    const b = sftBatch(picks.map((i) => (stage === "sft" ? data.sftTrain : data.pretrainTrain)[i]), data.pad);
    const { value, grads } = tf.variableGrads(() => sftLoss(p, cfg, b, recompute), vars);
    disposeBatch(b);
    return { loss: value, grads: byName(grads), metrics: { tokens: b.tokens }, tokens: b.x.size };
  }
  const b = prefBatch(picks.map((i) => data.prefTrain[i]), data.pad);
  const refLp = tf.tensor1d(picks.flatMap((i) => [ref![2 * i], ref![2 * i + 1]]));
  let stats: number[] = [];
  const { value, grads } = tf.variableGrads(() => {
    const out = dpoLoss(sequenceLogProbs(p, cfg, b, recompute), refLp, beta);
    stats = [out.chosen, out.rejected, out.margins.greater(0).cast("float32"), out.margins].map((t) => t.mean().dataSync()[0]);
    return out.loss;
  }, vars);
  tf.dispose(refLp);
  disposeBatch(b);
  const metrics = { "rewards/chosen": stats[0], "rewards/rejected": stats[1], "rewards/accuracies": stats[2], "rewards/margins": stats[3] };
  return { loss: value, grads: byName(grads), metrics, tokens: b.x.size };
}

/** Target tokens of an SFT example: positions 1.. whose mask is 1 (what sftLoss averages over). */
const targetTokens = (e: SftExample) => e.mask.reduce((a, b, i) => (i ? a + b : a), 0);

/**
 * Loss and gradients of `picks` in passes of at most `cap` examples, each pass weighted by its share of the target
 * tokens (SFT and pretraining: sftLoss is a token mean) or of the pairs (DPO, reward model: a pair mean), so the sum is the
 * gradient one pass over all of them would give, in the memory of one pass of `cap`.
 */
export function splitStep(p: Params, trainable: Params, cfg: ModelConfig, stage: Stage, data: Snapshot, picks: number[], ref: Float32Array | null, beta: number, cap: number, recompute = false): StepResult {
  if (picks.length <= cap) return microStep(p, trainable, cfg, stage, data, picks, ref, beta, recompute);
  const chunks: number[][] = [];
  for (let i = 0; i < picks.length; i += cap) chunks.push(picks.slice(i, i + cap));
  const set = stage === "sft" ? data.sftTrain : data.pretrainTrain;
  const shares = stage === "dpo" || stage === "rm" ? chunks.map((c) => c.length) : chunks.map((c) => c.reduce((a, i) => a + targetTokens(set[i]), 0));
  const all = shares.reduce((a, b) => a + b, 0);
  let loss = 0;
  let tokens = 0;
  let grads: tf.NamedTensorMap | null = null;
  const metrics: Record<string, number> = {};
  chunks.forEach((c, j) => {
    const w = all ? shares[j] / all : 1 / chunks.length;
    const r = microStep(p, trainable, cfg, stage, data, c, ref, beta, recompute);
    loss += r.loss.dataSync()[0] * w;
    tf.dispose(r.loss);
    tokens += r.tokens;
    for (const [key, x] of Object.entries(r.metrics)) metrics[key] = (metrics[key] ?? 0) + (key === "tokens" ? x : x * w);
    if (!grads) {
      grads = r.grads;
      replaceEach(grads, (g) => g.mul(w));
    } else {
      replaceEach(grads, (g, key) => g.add(r.grads[key].mul(w)));
      tf.dispose(Object.values(r.grads));
    }
  });
  return { loss: tf.scalar(loss), grads: grads!, metrics, tokens };
}

/**
 * Summed log-probabilities of every pair under the given weights: [2 × pairs] (chosen, rejected interleaved). With
 * `adaptersOff` the adapters in `p` are ignored: the base model (DPO's reference under LoRA), computed through the
 * frozen path (no packed copies of the weights on wasm, the head in slices) as the LoRA training itself is.
 */
export function pairLogProbs(p: Params, cfg: ModelConfig, pairs: PrefExample[], batch: number, pad: number, adaptersOff = false): Float32Array {
  const out = new Float32Array(pairs.length * 2);
  for (let i = 0; i < pairs.length; i += batch) {
    const b = prefBatch(pairs.slice(i, i + batch), pad);
    const lp = tf.tidy(() => sequenceLogProbs(p, cfg, b, false, adaptersOff));
    out.set(lp.dataSync(), i * 2);
    tf.dispose(lp);
    disposeBatch(b);
  }
  return out;
}

/** Replaces each tensor of a map by f(tensor), disposing the old one. */
export function replaceEach(t: tf.NamedTensorMap, f: (x: tf.Tensor, key: string) => tf.Tensor) {
  for (const key of Object.keys(t)) {
    const old = t[key];
    t[key] = tf.tidy(() => f(old, key));
    old.dispose();
  }
}

export function prefixed(x: Record<string, number>) {
  return Object.fromEntries(Object.entries(x).map(([k, v]) => [`eval/${k}`, v]));
}
/** Mean token loss and perplexity over a set of sequences. */
function lmLoss(p: Params, cfg: ModelConfig, set: SftExample[], batch: number, pad: number) {
  let sum = 0;
  let n = 0;
  for (let i = 0; i < set.length; i += batch) {
    const b = sftBatch(set.slice(i, i + batch), pad);
    const l = tf.tidy(() => sftLoss(p, cfg, b));
    sum += l.dataSync()[0] * b.tokens;
    n += b.tokens;
    tf.dispose(l);
    disposeBatch(b);
  }
  const loss = n ? sum / n : NaN;
  return { loss, perplexity: Math.exp(loss) };
}

/**
 * Held-out figures: LM loss and perplexity (pretrain, SFT); DPO loss, preference accuracy and mean margin against the
 * stage's reference; the reward model's Bradley–Terry loss, pairwise accuracy and mean margin on the eval split.
 * `batch` counts sequences per forward pass (a pair is two).
 */
export function evaluate(p: Params, cfg: ModelConfig, data: Snapshot, stage: Stage, ref: Float32Array | null, opts: { batch: number; beta: number }): Record<string, number> {
  if (stage === "rm") return evaluateRewards(p, cfg, data.prefEval, opts.batch, data.pad);
  if (stage === "sft") return lmLoss(p, cfg, data.sftEval.length ? data.sftEval : data.sftTrain.slice(0, 16), opts.batch, data.pad);
  if (stage === "pretrain") return lmLoss(p, cfg, data.pretrainEval.length ? data.pretrainEval : data.pretrainTrain.slice(0, 16), opts.batch, data.pad);
  const set = data.prefEval;
  if (!set.length || !ref) return {};
  const lp = pairLogProbs(p, cfg, set, Math.max(1, opts.batch >> 1), data.pad);
  let correct = 0;
  let margin = 0;
  let loss = 0;
  for (let k = 0; k < set.length; k++) {
    const mgn = opts.beta * (lp[2 * k] - ref[2 * k] - (lp[2 * k + 1] - ref[2 * k + 1]));
    margin += mgn;
    loss += Math.max(-mgn, 0) + Math.log1p(Math.exp(-Math.abs(mgn))); // softplus(−m), stable
    if (mgn > 0) correct += 1;
  }
  return { loss: loss / set.length, accuracy: correct / set.length, margin: margin / set.length };
}

/** The figures the `done` event carries: SFT (or pretrain) held-out loss, and DPO's when a DPO stage ran. */
export function evaluateAll(p: Params, cfg: ModelConfig, data: Snapshot, opts: { batch: number; beta: number }, refEval: Float32Array | null) {
  const lm = data.sftEval.length || data.sftTrain.length ? evaluate(p, cfg, data, "sft", null, opts) : evaluate(p, cfg, data, "pretrain", null, opts);
  const dpo = refEval ? evaluate(p, cfg, data, "dpo", refEval, opts) : {};
  return { ...lm, ...("accuracy" in dpo ? { "rewards/accuracies": dpo.accuracy, "rewards/margins": dpo.margin } : {}) };
}
