// The pilot run (the guide's "start small"): before the full run, train the run's first stage on a seeded random share
// of its training examples and compare held-out loss before and after. It is a probe: the caller puts the initial
// weights back before the full run, so the pilot changes nothing but whether the full run starts.
import * as tf from "@tensorflow/tfjs";
import type { ModelConfig } from "./config";
import { pickExamples, type Snapshot } from "./data";
import type { Params } from "./model";
import { adamwStep, learningRate } from "./optim";
import type { Stage, TrainerEventOf } from "./protocol";
import { evaluate, pairLogProbs, splitStep } from "./step";

export type PilotOptions = {
  share: number;
  /** the full run's steps for this stage: the pilot takes `share` of them (at least one) */
  stageSteps: number;
  /** examples per update and passes per update, as the full run's */
  batch: number;
  gradAccum: number;
  /** examples per forward/backward pass, and whether blocks are recomputed in backward (the memory plan's) */
  cap: number;
  recompute?: boolean;
  lr: number;
  weightDecay: number;
  maxGradNorm: number;
  beta: number;
  seed: number;
  evalOpts: { batch: number; beta: number };
};

/** The examples of a stage's training split. */
function setOf(data: Snapshot, stage: Stage) {
  return stage === "sft" ? data.sftTrain : stage === "dpo" || stage === "rm" ? data.prefTrain : data.pretrainTrain;
}

/** Trains `trainable` in place on a share of `stage`'s examples; returns the `pilot` event (held-out loss before/after). */
export function runPilot(p: Params, trainable: Params, cfg: ModelConfig, data: Snapshot, stage: Stage, o: PilotOptions): TrainerEventOf<"pilot"> {
  const all = setOf(data, stage);
  const k = Math.max(1, Math.round(o.share * all.length));
  // Its own stream (stage index 97): the share does not depend on the full run's data order.
  const chosen = pickExamples(all.length, 0, k, o.seed, 97).map((i) => all[i]);
  const sub: Snapshot = { ...data, ...(stage === "sft" ? { sftTrain: chosen } : stage === "dpo" || stage === "rm" ? { prefTrain: chosen } : { pretrainTrain: chosen }) } as Snapshot;
  // Held out: the snapshot's eval split, or else up to 16 training examples outside the share.
  const inShare = new Set(chosen);
  const rest = all.filter((e) => !inShare.has(e)).slice(0, 16);
  const evalSet = stage === "sft" ? data.sftEval : stage === "dpo" || stage === "rm" ? data.prefEval : data.pretrainEval;
  const held = evalSet.length ? evalSet : rest.length ? rest : chosen;
  const evalData: Snapshot = { ...data, ...(stage === "sft" ? { sftEval: held } : stage === "dpo" || stage === "rm" ? { prefEval: held } : { pretrainEval: held }) } as Snapshot;
  const pairBatch = Math.max(1, o.evalOpts.batch >> 1);
  // DPO's reference: the model itself (full fine-tuning) or the base with the adapters off (LoRA)
  const refTrain = stage === "dpo" ? pairLogProbs(p, cfg, sub.prefTrain, pairBatch, data.pad, true) : null;
  const refEval = stage === "dpo" ? pairLogProbs(p, cfg, evalData.prefEval, pairBatch, data.pad, true) : null;
  const heldOut = () => {
    const loss = evaluate(p, cfg, evalData, stage, refEval, o.evalOpts).loss;
    return Number.isFinite(loss) ? loss : null;
  };
  const lossBefore = heldOut();
  const steps = Math.max(1, Math.ceil(o.share * o.stageSteps));
  const B = Math.min(o.batch, k);
  const warmup = Math.max(1, Math.floor(steps * 0.1));
  const m = Object.fromEntries(Object.entries(trainable).map(([key, v]) => [key, tf.zerosLike(v)]));
  const v = Object.fromEntries(Object.entries(trainable).map(([key, x]) => [key, tf.zerosLike(x)]));
  for (let step = 0; step < steps; step++) {
    const picks = pickExamples(k, step * B * o.gradAccum, B * o.gradAccum, o.seed, 98);
    let grads: tf.NamedTensorMap | null = null;
    for (let a = 0; a < o.gradAccum; a++) {
      const r = splitStep(p, trainable, cfg, stage, sub, picks.slice(a * B, (a + 1) * B), refTrain, o.beta, o.cap, o.recompute);
      tf.dispose(r.loss);
      if (!grads) grads = r.grads;
      else {
        const prev: tf.NamedTensorMap = grads;
        grads = Object.fromEntries(Object.entries(prev).map(([key, g]) => [key, tf.tidy(() => g.add(r.grads[key]))]));
        tf.dispose([...Object.values(prev), ...Object.values(r.grads)]);
      }
    }
    if (o.gradAccum > 1) {
      const summed: tf.NamedTensorMap = grads!;
      grads = Object.fromEntries(Object.entries(summed).map(([key, g]) => [key, tf.tidy(() => g.div(o.gradAccum))]));
      tf.dispose(Object.values(summed));
    }
    adamwStep(trainable, grads!, m, v, step + 1, learningRate(step, steps, o.lr, warmup), o.weightDecay, o.maxGradNorm);
    tf.dispose(Object.values(grads!));
  }
  tf.dispose([...Object.values(m), ...Object.values(v)]);
  const lossAfter = heldOut();
  const passed = lossBefore !== null && lossAfter !== null && lossAfter < lossBefore;
  return { type: "pilot", share: o.share, examples: k, lossBefore, lossAfter, passed };
}
