// The training loop, top to bottom: load a snapshot, pretrain (causal LM), SFT (loss on assistant tokens) and/or DPO
// (Rafailov et al. 2023; metrics named as TRL logs them) with AdamW, warm-up + cosine schedule, global-norm clipping,
// gradient accumulation, periodic eval with early stopping, and atomic checkpoints; progress as events.
import fs from "node:fs";
import path from "node:path";
import * as tf from "@tensorflow/tfjs";
import { modelConfigSchema, presets, type ModelConfig } from "./config";
import { loadCheckpoint, saveCheckpoint, type TrainingState } from "./checkpoint";
import { DataError, disposeBatch, loadSnapshot, pickExamples, prefBatch, sftBatch, type PrefExample, type SftExample, type Snapshot } from "./data";
import { dpoLoss, sequenceLogProbs, sftLoss } from "./losses";
import { initParams, type Params } from "./model";
import { adamwStep, learningRate, type Moments } from "./optim";
import { byteTokenizer, type Tokenizer } from "./tokenizer";

export type Stage = "pretrain" | "sft" | "dpo";
export type TrainOptions = {
  snapshot: string;
  stage: Stage | "sft+dpo";
  out: string;
  init?: "tiny" | "small";
  /** size overrides for --init */
  model?: Partial<Pick<ModelConfig, "nLayer" | "nHead" | "nEmbd">>;
  from?: string;
  steps: number;
  /** when set, each stage runs this many passes over its data instead of `steps` */
  epochs?: number;
  lr: number;
  batch: number;
  /** micro-batches of `batch` examples whose gradients are averaged into one update */
  gradAccum?: number;
  beta: number;
  seed: number;
  evalEvery: number;
  saveEvery: number;
  warmup?: number;
  weightDecay: number;
  maxGradNorm: number;
  blockSize?: number;
  resume: boolean;
  /** stop a stage after this many evaluations without a lower eval loss */
  patience?: number;
};
export type TrainEvent = { type: "start" | "step" | "eval" | "early_stop" | "done" | "cancelled"; [k: string]: unknown };

type StepResult = { loss: tf.Scalar; grads: tf.NamedTensorMap; metrics: Record<string, number>; tokens: number };

/** Loss and gradients of one micro-batch; every tensor but the returned ones is disposed. */
function microStep(p: Params, cfg: ModelConfig, stage: Stage, data: Snapshot, picks: number[], ref: Float32Array | null, beta: number): StepResult {
  const vars = Object.values(p);
  const byName = (g: tf.NamedTensorMap) => Object.fromEntries(Object.entries(p).map(([k, v]) => [k, g[v.name]]));
  if (stage !== "dpo") {
    const b = sftBatch(picks.map((i) => (stage === "sft" ? data.sftTrain : data.pretrainTrain)[i]), data.pad);
    const { value, grads } = tf.variableGrads(() => sftLoss(p, cfg, b), vars);
    disposeBatch(b);
    return { loss: value, grads: byName(grads), metrics: { tokens: b.tokens }, tokens: b.x.size };
  }
  const b = prefBatch(picks.map((i) => data.prefTrain[i]), data.pad);
  const refLp = tf.tensor1d(picks.flatMap((i) => [ref![2 * i], ref![2 * i + 1]]));
  let stats: number[] = [];
  const { value, grads } = tf.variableGrads(() => {
    const out = dpoLoss(sequenceLogProbs(p, cfg, b), refLp, beta);
    stats = [out.chosen, out.rejected, out.margins.greater(0).cast("float32"), out.margins].map((t) => t.mean().dataSync()[0]);
    return out.loss;
  }, vars);
  tf.dispose(refLp);
  disposeBatch(b);
  const metrics = { "rewards/chosen": stats[0], "rewards/rejected": stats[1], "rewards/accuracies": stats[2], "rewards/margins": stats[3] };
  return { loss: value, grads: byName(grads), metrics, tokens: b.x.size };
}

/** Summed log-probabilities of every pair under the current weights: [2 × pairs] (chosen, rejected interleaved). */
function pairLogProbs(p: Params, cfg: ModelConfig, pairs: PrefExample[], batch: number, pad: number): Float32Array {
  const out = new Float32Array(pairs.length * 2);
  for (let i = 0; i < pairs.length; i += batch) {
    const b = prefBatch(pairs.slice(i, i + batch), pad);
    const lp = tf.tidy(() => sequenceLogProbs(p, cfg, b));
    out.set(lp.dataSync(), i * 2);
    tf.dispose(lp);
    disposeBatch(b);
  }
  return out;
}

/** Replaces each tensor of a map by f(tensor), disposing the old one. */
function replaceEach(t: tf.NamedTensorMap, f: (x: tf.Tensor, key: string) => tf.Tensor) {
  for (const key of Object.keys(t)) {
    const old = t[key];
    t[key] = tf.tidy(() => f(old, key));
    old.dispose();
  }
}

function examplesOf(data: Snapshot, stage: Stage): unknown[] {
  return stage === "sft" ? data.sftTrain : stage === "dpo" ? data.prefTrain : data.pretrainTrain;
}

// ── the loop ───────────────────────────────────────────────────────────────────
export async function train(opts: TrainOptions, emit: (e: TrainEvent) => void, signal?: AbortSignal) {
  const resumeState = opts.resume && fs.existsSync(path.join(opts.out, "training_state.json")) ? loadCheckpoint(opts.out) : null;
  let cfg: ModelConfig;
  let params: Params;
  let tokenizer: Tokenizer = byteTokenizer;
  if (resumeState) ({ cfg, params, tokenizer } = resumeState);
  else if (opts.from) ({ cfg, params, tokenizer } = loadCheckpoint(opts.from));
  else {
    cfg = modelConfigSchema.parse({ ...presets[opts.init ?? "tiny"], ...(opts.blockSize ? { blockSize: opts.blockSize } : {}), ...opts.model });
    params = initParams(cfg, opts.seed);
  }
  const data = loadSnapshot(opts.snapshot, Math.min(opts.blockSize ?? cfg.blockSize, cfg.blockSize), tokenizer);
  const stages: Stage[] = opts.stage === "sft+dpo" ? ["sft", "dpo"] : [opts.stage];
  const missing = { pretrain: "no text to pretrain on (pretrain.train.jsonl and sft.train.jsonl are empty or missing)", sft: "no SFT examples (sft.train.jsonl is empty or missing)", dpo: "no preference pairs (preference.train.jsonl is empty or missing)" };
  for (const st of stages) if (!examplesOf(data, st).length) throw new DataError(`snapshot ${opts.snapshot} has ${missing[st]}`);
  const K = opts.gradAccum ?? 1;
  const batchOf = (st: Stage) => Math.min(opts.batch, examplesOf(data, st).length);
  const perStage = opts.epochs
    ? stages.map((st) => Math.max(1, Math.ceil((opts.epochs! * examplesOf(data, st).length) / (batchOf(st) * K))))
    : stages.length === 2 ? [Math.ceil(opts.steps / 2), Math.floor(opts.steps / 2)] : [opts.steps];
  const totalSteps = perStage.reduce((a, b) => a + b, 0);
  emit({ type: "start", backend: tf.getBackend(), config: cfg, snapshot: data.id, sft: data.sftTrain.length, pairs: data.prefTrain.length, texts: data.pretrainTrain.length, totalSteps });

  const moments = (prefix: string): Moments => Object.fromEntries(Object.entries(params).map(([k, p]) => [k, resumeState?.optimizer?.[`${prefix}.${k}`] ?? tf.zerosLike(p)]));
  const m = moments("m");
  const v = moments("v");
  let globalStep = resumeState?.state?.step ?? 0;
  const started = Date.now();
  let tokensSeen = 0;
  let last: Record<string, number> = {};
  let refEval: Float32Array | null = null;

  const save = (step: number, stage: string, dataPosition: number) => {
    const opt = Object.fromEntries([...Object.entries(m).map(([k, t]) => [`m.${k}`, t]), ...Object.entries(v).map(([k, t]) => [`v.${k}`, t])]);
    const state: TrainingState = { step, stage, seed: opts.seed, dataPosition };
    saveCheckpoint(opts.out, cfg, params, state, opt, { stage: opts.stage, snapshot: data.id }, tokenizer);
  };

  let offset = 0;
  for (let s = 0; s < stages.length; s++) {
    const stage = stages[s];
    const stageStart = offset;
    const stageEnd = offset + perStage[s];
    offset = stageEnd;
    if (globalStep >= stageEnd) continue;
    const warmup = opts.warmup ?? Math.max(1, Math.floor(perStage[s] * 0.1));
    const B = batchOf(stage);
    const n = examplesOf(data, stage).length;
    // DPO's reference is the model as the stage starts, frozen; its log-probs are computed once per pair.
    let refTrain: Float32Array | null = null;
    if (stage === "dpo") {
      const refFile = path.join(path.dirname(opts.out), `${path.basename(opts.out)}.dpo-ref.json`);
      if (resumeState && fs.existsSync(refFile)) {
        const saved = JSON.parse(fs.readFileSync(refFile, "utf8"));
        refTrain = Float32Array.from(saved.train);
        refEval = Float32Array.from(saved.eval);
      } else {
        refTrain = pairLogProbs(params, cfg, data.prefTrain, opts.batch, data.pad);
        refEval = pairLogProbs(params, cfg, data.prefEval, opts.batch, data.pad);
        fs.writeFileSync(refFile, JSON.stringify({ train: Array.from(refTrain), eval: Array.from(refEval) }));
      }
    }
    let best = Infinity;
    let stale = 0;
    for (; globalStep < stageEnd; globalStep++) {
      if (signal?.aborted) {
        emit({ type: "cancelled", step: globalStep });
        return null;
      }
      const local = globalStep - stageStart;
      // The examples of a step depend only on (seed, stage, step): a resumed run sees the same data.
      const picks = pickExamples(n, local * B * K, B * K, opts.seed, s);
      const lr = learningRate(local, perStage[s], opts.lr, warmup);
      const t0 = Date.now();
      let grads: tf.NamedTensorMap | null = null;
      let lossSum = 0;
      const sums: Record<string, number> = {};
      for (let k = 0; k < K; k++) {
        const r = microStep(params, cfg, stage, data, picks.slice(k * B, (k + 1) * B), refTrain, opts.beta);
        lossSum += r.loss.dataSync()[0];
        tf.dispose(r.loss);
        tokensSeen += r.tokens;
        for (const [key, x] of Object.entries(r.metrics)) sums[key] = (sums[key] ?? 0) + x;
        if (!grads) grads = r.grads;
        else {
          replaceEach(grads, (g, key) => g.add(r.grads[key]));
          tf.dispose(Object.values(r.grads));
        }
      }
      if (K > 1) replaceEach(grads!, (g) => g.div(K));
      adamwStep(params, grads!, m, v, globalStep + 1, lr, opts.weightDecay, opts.maxGradNorm);
      tf.dispose(Object.values(grads!));
      // SFT's `tokens` is a count (summed over micro-batches); DPO's rewards are means.
      const metrics = { loss: lossSum / K, ...Object.fromEntries(Object.entries(sums).map(([key, x]) => [key, key === "tokens" ? x : x / K])), learning_rate: lr };
      const elapsed = (Date.now() - started) / 1000;
      const stepMs = Date.now() - t0;
      last = metrics;
      emit({ type: "step", stage, step: globalStep + 1, totalSteps, loss: metrics.loss, tokensPerSec: Math.round(tokensSeen / Math.max(elapsed, 1e-3)), etaMs: stepMs * (totalSteps - globalStep - 1), metrics });
      const done = globalStep + 1 === stageEnd;
      if ((globalStep + 1) % opts.evalEvery === 0 || done) {
        const ev = evaluate(params, cfg, data, stage, refEval, opts);
        emit({ type: "eval", stage, step: globalStep + 1, metrics: ev });
        if (opts.patience && Number.isFinite(ev.loss)) {
          if (ev.loss < best) [best, stale] = [ev.loss, 0];
          else if (++stale >= opts.patience && !done) {
            emit({ type: "early_stop", stage, step: globalStep + 1, bestLoss: best, patience: opts.patience });
            globalStep = stageEnd;
            break;
          }
        }
      }
      if ((globalStep + 1) % opts.saveEvery === 0 && !done) save(globalStep + 1, stage, (local + 1) * B * K);
      await new Promise((res) => setImmediate(res));
    }
  }
  save(globalStep, stages[stages.length - 1], 0);
  const final = { ...Object.fromEntries(Object.entries(last).map(([k, x]) => [`train/${k}`, x])), ...prefixed(evaluateAll(params, cfg, data, opts, refEval)) };
  emit({ type: "done", checkpoint: opts.out, step: globalStep, metrics: final });
  Object.values(params).forEach((p) => p.dispose());
  [...Object.values(m), ...Object.values(v)].forEach((t) => t.dispose());
  return final;
}

function prefixed(x: Record<string, number>) {
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

/** Held-out figures: LM loss and perplexity (pretrain, SFT); DPO loss, preference accuracy and mean margin against the stage's reference. */
export function evaluate(p: Params, cfg: ModelConfig, data: Snapshot, stage: Stage, ref: Float32Array | null, opts: { batch: number; beta: number }): Record<string, number> {
  if (stage === "sft") return lmLoss(p, cfg, data.sftEval.length ? data.sftEval : data.sftTrain.slice(0, 16), opts.batch, data.pad);
  if (stage === "pretrain") return lmLoss(p, cfg, data.pretrainEval.length ? data.pretrainEval : data.pretrainTrain.slice(0, 16), opts.batch, data.pad);
  const set = data.prefEval;
  if (!set.length || !ref) return {};
  const lp = pairLogProbs(p, cfg, set, opts.batch, data.pad);
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
function evaluateAll(p: Params, cfg: ModelConfig, data: Snapshot, opts: TrainOptions, refEval: Float32Array | null) {
  const lm = data.sftEval.length || data.sftTrain.length ? evaluate(p, cfg, data, "sft", null, opts) : evaluate(p, cfg, data, "pretrain", null, opts);
  const dpo = refEval ? evaluate(p, cfg, data, "dpo", refEval, opts) : {};
  return { ...lm, ...("accuracy" in dpo ? { "rewards/accuracies": dpo.accuracy, "rewards/margins": dpo.margin } : {}) };
}
