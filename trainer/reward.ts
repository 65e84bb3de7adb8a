// A reward model (Ouyang et al. 2022, InstructGPT §3.5; Stiennon et al. 2020): the policy's backbone with a scalar head
// `score.weight` [C, 1] on the final hidden state of each sequence's last non-pad token, as HF's
// AutoModelForSequenceClassification with num_labels = 1 (LlamaForSequenceClassification, GPT2ForSequenceClassification:
// stored [1, C], an nn.Linear without bias), trained with the Bradley–Terry loss −log σ(r_chosen − r_rejected) on the
// preference pairs, as TRL's RewardTrainer.
import * as tf from "@tensorflow/tfjs";
import type { ModelConfig } from "./config";
import type { PrefExample } from "./data";
import { hiddenStates, type Params } from "./model";

/** The head's name, as HF's sequence-classification models call it. */
export const SCORE = "score.weight";

/** A fresh head [C, 1]: normal with std 0.02 (transformers' initializer_range), seeded. */
export function initScore(cfg: ModelConfig, seed: number): tf.Variable {
  return tf.variable(tf.randomNormal([cfg.nEmbd, 1], 0, 0.02, "float32", seed + 7_777), true, `score_weight_${Math.random().toString(36).slice(2, 7)}`);
}

/** Sequences to score: ids [N, T] (right-padded) and the flat index n·T + (length − 1) of each one's last token [N]. */
export type RewardBatch = { x: tf.Tensor2D; last: tf.Tensor1D };

/**
 * Token sequences → a batch; each is cut to `maxLen` tokens (its start kept). Pairs go in as [chosen, rejected]
 * interleaved: prompt + response of each.
 */
export function rewardBatch(seqs: number[][], pad: number, maxLen: number): RewardBatch {
  const cut = seqs.map((s) => (s.length ? s.slice(0, maxLen) : [pad]));
  const T = Math.max(...cut.map((s) => s.length));
  const x: number[] = [];
  for (const s of cut) for (let t = 0; t < T; t++) x.push(s[t] ?? pad);
  return { x: tf.tensor2d(x, [cut.length, T], "int32"), last: tf.tensor1d(cut.map((s, n) => n * T + s.length - 1), "int32") };
}

/** A pair's two sequences, chosen first. */
export const pairSequences = (pairs: PrefExample[]) => pairs.flatMap((e) => [[...e.prompt, ...e.chosen], [...e.prompt, ...e.rejected]]);

export function disposeRewardBatch(b: RewardBatch) {
  tf.dispose([b.x, b.last]);
}

/**
 * r(x) per sequence [N]: h_last · score. Right padding and causal attention mean the last token's state sees exactly
 * its own sequence. `p` must hold `score.weight`. Call inside tf.tidy (or variableGrads).
 */
export function rewards(p: Params, cfg: ModelConfig, b: RewardBatch, recompute = false): tf.Tensor1D {
  const score = p[SCORE];
  if (!score) throw new Error(`the model has no ${SCORE}: it is not a reward model (train a run of stage rm)`);
  const { hidden } = hiddenStates(p, cfg, b.x, { recompute }); // [N·T, C]
  return tf.gather(hidden, b.last).matMul(score).reshape([b.last.shape[0]]) as tf.Tensor1D; // [N, C]·[C, 1] → [N]
}

/** Bradley–Terry: −log σ(r_w − r_l) averaged over pairs; r [2B] interleaved (w, l). softplus(−m) is the stable form. */
export function rewardLoss(r: tf.Tensor1D) {
  const n = r.shape[0] / 2;
  const [w, l] = tf.split(r.reshape([n, 2]), 2, 1).map((t) => t.reshape([n]));
  const margins = w.sub(l);
  return { loss: tf.softplus(margins.neg()).mean() as tf.Scalar, chosen: w, rejected: l, margins };
}

/** Rewards of many sequences, `batch` at a time (forward only) → [N]. */
export function scoreSequences(p: Params, cfg: ModelConfig, seqs: number[][], batch: number, pad: number): Float32Array {
  const out = new Float32Array(seqs.length);
  for (let i = 0; i < seqs.length; i += batch) {
    const b = rewardBatch(seqs.slice(i, i + batch), pad, cfg.blockSize);
    const r = tf.tidy(() => rewards(p, cfg, b));
    out.set(r.dataSync(), i);
    tf.dispose(r);
    disposeRewardBatch(b);
  }
  return out;
}

/** Held-out Bradley–Terry loss, pairwise accuracy (r_w > r_l) and mean margin r_w − r_l over pairs. */
export function evaluateRewards(p: Params, cfg: ModelConfig, pairs: PrefExample[], batch: number, pad: number): Record<string, number> {
  if (!pairs.length) return {};
  const r = scoreSequences(p, cfg, pairSequences(pairs), Math.max(2, batch - (batch % 2)), pad);
  let loss = 0;
  let correct = 0;
  let margin = 0;
  for (let k = 0; k < pairs.length; k++) {
    const m = r[2 * k] - r[2 * k + 1];
    margin += m;
    loss += Math.max(-m, 0) + Math.log1p(Math.exp(-Math.abs(m)));
    if (m > 0) correct += 1;
  }
  return { loss: loss / pairs.length, accuracy: correct / pairs.length, margin: margin / pairs.length };
}
