// Losses: SFT cross-entropy on masked tokens, summed response log-probabilities, and DPO (Rafailov et al. 2023; TRL).
import * as tf from "@tensorflow/tfjs";
import type { ModelConfig } from "./config";
import type { Batch } from "./data";
import { frozenHeadLogProbs } from "./head-loss";
import { forward, hiddenStates, tokenLogProbs, type Params } from "./model";

/**
 * Log-probabilities of the targets [B, T]; under LoRA through the frozen head in slices (trainer/head-loss.ts), and
 * with `adaptersOff` the base model's (DPO's reference), through the same frozen projections and head.
 */
function targetLogProbs(p: Params, cfg: ModelConfig, b: Batch, recompute: boolean, adaptersOff = false): tf.Tensor2D {
  if (!cfg.lora) return tokenLogProbs(forward(p, cfg, b.x, { recompute }), b.y, cfg.vocabSize);
  const [B, T] = b.x.shape;
  const { hidden, head } = hiddenStates(p, cfg, b.x, { adaptersOff });
  return frozenHeadLogProbs(hidden, head, b.y.reshape([B * T])).reshape([B, T]);
}

/** Mean negative log-likelihood over the tokens where the mask is 1 (`recompute`: checkpointed blocks, trainer/model.ts). */
export function sftLoss(p: Params, cfg: ModelConfig, b: Batch, recompute = false): tf.Scalar {
  const lp = targetLogProbs(p, cfg, b, recompute);
  return lp.mul(b.m).sum().neg().div(b.m.sum().maximum(1)) as tf.Scalar;
}

/** Summed response log-probability per sequence: [2B] (chosen, rejected interleaved); `adaptersOff`: LoRA's base model. */
export function sequenceLogProbs(p: Params, cfg: ModelConfig, b: Batch, recompute = false, adaptersOff = false): tf.Tensor1D {
  return targetLogProbs(p, cfg, b, recompute, adaptersOff).mul(b.m).sum(1) as tf.Tensor1D;
}

/**
 * DPO: −log σ(β·[(log π(y_w) − log π_ref(y_w)) − (log π(y_l) − log π_ref(y_l))]), averaged over pairs.
 * policy [2B] interleaved (w, l); ref the same from the frozen starting model.
 */
export function dpoLoss(policy: tf.Tensor1D, ref: tf.Tensor1D, beta: number) {
  const n = policy.shape[0] / 2;
  const ratio = policy.sub(ref).reshape([n, 2]);
  const [w, l] = tf.split(ratio, 2, 1).map((t) => t.reshape([n]).mul(beta));
  const margins = w.sub(l);
  // −log σ(m) = softplus(−m), the stable form.
  return { loss: tf.softplus(margins.neg()).mean() as tf.Scalar, chosen: w, rejected: l, margins };
}
