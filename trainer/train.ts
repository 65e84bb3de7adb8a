// The training loop, top to bottom: load a snapshot, pretrain (causal LM), SFT (loss on assistant tokens) and/or DPO
// (Rafailov et al. 2023; metrics named as TRL logs them) with AdamW, warm-up + cosine schedule, global-norm clipping,
// gradient accumulation, periodic eval with early stopping, and atomic checkpoints; progress as events (trainer/protocol.ts).
// Memory is planned before the first step (trainer/memory.ts): each batch is cut into passes that fit the backend.
import fs from "node:fs";
import path from "node:path";
import * as tf from "@tensorflow/tfjs";
import { modelConfigSchema, presets, type ModelConfig } from "./config";
import { loadCheckpoint, saveCheckpoint, type TrainingState } from "./checkpoint";
import { disposeBatch, loadSnapshot, pickExamples, prefBatch, sftBatch, type PrefExample, type SftExample, type Snapshot } from "./data";
import { dpoLoss, sequenceLogProbs, sftLoss } from "./losses";
import { planMemory, type Plan } from "./memory";
import { initParams, type Params } from "./model";
import { adamwStep, learningRate, type Moments } from "./optim";
import { TrainerError, type MemoryPlan, type RunKind, type Stage, type StageSpan, type TrainerEvent } from "./protocol";
import { byteTokenizer, type Tokenizer } from "./tokenizer";

export type { Stage } from "./protocol";
export type TrainOptions = {
  snapshot: string;
  stage: RunKind;
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
export type TrainEvent = TrainerEvent;

type StepResult = { loss: tf.Scalar; grads: tf.NamedTensorMap; metrics: Record<string, number>; tokens: number };

/** Loss and gradients of one pass; every tensor but the returned ones is disposed. */
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

/** Target tokens of an SFT example: positions 1.. whose mask is 1 (what sftLoss averages over). */
const targetTokens = (e: SftExample) => e.mask.reduce((a, b, i) => (i ? a + b : a), 0);

/**
 * Loss and gradients of `picks` in passes of at most `cap` examples, each pass weighted by its share of the target
 * tokens (SFT and pretraining: sftLoss is a token mean) or of the pairs (DPO: a pair mean), so the sum is the
 * gradient one pass over all of them would give, in the memory of one pass of `cap`.
 */
function splitStep(p: Params, cfg: ModelConfig, stage: Stage, data: Snapshot, picks: number[], ref: Float32Array | null, beta: number, cap: number): StepResult {
  if (picks.length <= cap) return microStep(p, cfg, stage, data, picks, ref, beta);
  const chunks: number[][] = [];
  for (let i = 0; i < picks.length; i += cap) chunks.push(picks.slice(i, i + cap));
  const set = stage === "sft" ? data.sftTrain : data.pretrainTrain;
  const shares = stage === "dpo" ? chunks.map((c) => c.length) : chunks.map((c) => c.reduce((a, i) => a + targetTokens(set[i]), 0));
  const all = shares.reduce((a, b) => a + b, 0);
  let loss = 0;
  let tokens = 0;
  let grads: tf.NamedTensorMap | null = null;
  const metrics: Record<string, number> = {};
  chunks.forEach((c, j) => {
    const w = all ? shares[j] / all : 1 / chunks.length;
    const r = microStep(p, cfg, stage, data, c, ref, beta);
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

const MISSING: Record<Stage, string> = {
  pretrain: "no text to pretrain on (pretrain.train.jsonl and sft.train.jsonl are empty or missing)",
  sft: "no SFT examples (sft.train.jsonl is empty or missing: approve demonstrations or import instruction/response data, or train the dpo stage alone)",
  dpo: "no preference pairs (preference.train.jsonl is empty or missing: rank model outputs or import preference data, or train the sft stage alone)",
};

/** The stages a run kind asks for that the snapshot has data for; `sft+dpo` runs whichever of the two it can. */
export function chooseStages(kind: RunKind, data: Snapshot, where: string): { stages: Stage[]; skipped: string[] } {
  const wanted: Stage[] = kind === "sft+dpo" ? ["sft", "dpo"] : [kind];
  const stages = wanted.filter((st) => examplesOf(data, st).length > 0);
  if (!stages.length) throw new TrainerError("no_data", `snapshot ${where} has ${wanted.map((st) => MISSING[st]).join(", and ")}`);
  return { stages, skipped: wanted.filter((st) => !stages.includes(st)).map((st) => `${st}: ${MISSING[st]}`) };
}

/** The longest input a pass of this snapshot can see (tokens; a sequence of n ids is n − 1 inputs). */
function longestSequence(data: Snapshot): number {
  let n = 0;
  for (const set of [data.pretrainTrain, data.pretrainEval, data.sftTrain, data.sftEval]) for (const e of set) n = Math.max(n, e.ids.length - 1);
  for (const set of [data.prefTrain, data.prefEval]) for (const e of set) n = Math.max(n, e.prompt.length + Math.max(e.chosen.length, e.rejected.length) - 1);
  return Math.max(1, n);
}

// ── the loop ───────────────────────────────────────────────────────────────────
export async function train(opts: TrainOptions, emit: (e: TrainEvent) => void, signal?: AbortSignal) {
  const resumeState = opts.resume && fs.existsSync(path.join(opts.out, "training_state.json")) ? loadCheckpoint(opts.out) : null;
  let cfg: ModelConfig;
  // A fresh model's weights are made after the memory plan: a model that cannot fit is refused before it is allocated.
  let params: Params | null = null;
  let tokenizer: Tokenizer = byteTokenizer;
  if (resumeState) ({ cfg, params, tokenizer } = resumeState);
  else if (opts.from) ({ cfg, params, tokenizer } = loadCheckpoint(opts.from));
  else {
    cfg = modelConfigSchema.parse({ ...presets[opts.init ?? "tiny"], ...(opts.blockSize ? { blockSize: opts.blockSize } : {}), ...opts.model });
  }
  const data = loadSnapshot(opts.snapshot, Math.min(opts.blockSize ?? cfg.blockSize, cfg.blockSize), tokenizer);
  const { stages, skipped } = chooseStages(opts.stage, data, opts.snapshot);
  const K = opts.gradAccum ?? 1;
  const batchOf = (st: Stage) => Math.min(opts.batch, examplesOf(data, st).length);
  // Memory is planned before anything runs: each stage's batch is cut into passes that fit; nothing fitting is an error.
  const seqLen = longestSequence(data);
  const plans = stages.map((st) => planMemory(cfg, { batch: batchOf(st), gradAccum: K, seqLen, sequencesPerExample: st === "dpo" ? 2 : 1, backend: tf.getBackend() }));
  const refused = plans.find((pl): pl is Extract<Plan, { ok: false }> => !pl.ok);
  if (refused) throw new TrainerError("memory", `${stages[plans.indexOf(refused)]} stage: ${refused.message}`);
  const fits = plans as Array<Extract<Plan, { ok: true }>>;
  /** examples per pass of each stage, and sequences per pass of forward-only work (reference, evaluation) */
  const capOf = (st: Stage) => fits[stages.indexOf(st)].microBatch / (st === "dpo" ? 2 : 1);
  const passSeqs = Math.min(...fits.map((pl) => pl.microBatch));
  const tightest = fits.find((pl) => pl.microBatch === passSeqs)!;
  const plan: MemoryPlan = { backend: tightest.backend, microBatch: tightest.microBatch, gradAccum: tightest.gradAccum, peakBytes: tightest.peakBytes, budgetBytes: tightest.budgetBytes };
  const evalOpts = { batch: passSeqs, beta: opts.beta };
  params ??= initParams(cfg, opts.seed);
  const perStage = opts.epochs
    ? stages.map((st) => Math.max(1, Math.ceil((opts.epochs! * examplesOf(data, st).length) / (batchOf(st) * K))))
    : stages.length === 2 ? [Math.ceil(opts.steps / 2), Math.floor(opts.steps / 2)] : [opts.steps];
  const totalSteps = perStage.reduce((a, b) => a + b, 0);
  const spans: StageSpan[] = stages.map((stage, s) => ({ stage, from: perStage.slice(0, s).reduce((a, b) => a + b, 0), to: perStage.slice(0, s + 1).reduce((a, b) => a + b, 0) }));
  emit({ type: "start", backend: tf.getBackend(), config: cfg, snapshot: data.id, sft: data.sftTrain.length, pairs: data.prefTrain.length, texts: data.pretrainTrain.length, totalSteps, stages: spans, skipped, plan });

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
      emit({ type: "phase", phase: "reference", stage, step: globalStep });
      const refFile = path.join(path.dirname(opts.out), `${path.basename(opts.out)}.dpo-ref.json`);
      if (resumeState && fs.existsSync(refFile)) {
        const saved = JSON.parse(fs.readFileSync(refFile, "utf8"));
        refTrain = Float32Array.from(saved.train);
        refEval = Float32Array.from(saved.eval);
      } else {
        refTrain = pairLogProbs(params, cfg, data.prefTrain, Math.max(1, passSeqs >> 1), data.pad);
        refEval = pairLogProbs(params, cfg, data.prefEval, Math.max(1, passSeqs >> 1), data.pad);
        fs.writeFileSync(refFile, JSON.stringify({ train: Array.from(refTrain), eval: Array.from(refEval) }));
      }
    }
    emit({ type: "phase", phase: "training", stage, step: globalStep });
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
        const r = splitStep(params, cfg, stage, data, picks.slice(k * B, (k + 1) * B), refTrain, opts.beta, capOf(stage));
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
        const ev = evaluate(params, cfg, data, stage, refEval, evalOpts);
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
  emit({ type: "phase", phase: "saving", step: globalStep });
  save(globalStep, stages[stages.length - 1], 0);
  emit({ type: "phase", phase: "evaluating", step: globalStep });
  const final = { ...Object.fromEntries(Object.entries(last).map(([k, x]) => [`train/${k}`, x])), ...prefixed(evaluateAll(params, cfg, data, evalOpts, refEval)) };
  emit({ type: "done", checkpoint: opts.out, step: globalStep, metrics: final, peakBytes: memoryHighWater() });
  Object.values(params).forEach((p) => p.dispose());
  [...Object.values(m), ...Object.values(v)].forEach((t) => t.dispose());
  return final;
}

/** The memory high-water mark: the wasm heap's size (emscripten grows it and never shrinks it), else the resident set now. */
export function memoryHighWater(): number {
  const wasm = (tf.backend() as unknown as { wasm?: { HEAPU8?: Uint8Array } }).wasm;
  return wasm?.HEAPU8?.length ?? process.memoryUsage().rss;
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

/**
 * Held-out figures: LM loss and perplexity (pretrain, SFT); DPO loss, preference accuracy and mean margin against the
 * stage's reference. `batch` counts sequences per forward pass (a pair is two).
 */
export function evaluate(p: Params, cfg: ModelConfig, data: Snapshot, stage: Stage, ref: Float32Array | null, opts: { batch: number; beta: number }): Record<string, number> {
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
function evaluateAll(p: Params, cfg: ModelConfig, data: Snapshot, opts: { batch: number; beta: number }, refEval: Float32Array | null) {
  const lm = data.sftEval.length || data.sftTrain.length ? evaluate(p, cfg, data, "sft", null, opts) : evaluate(p, cfg, data, "pretrain", null, opts);
  const dpo = refEval ? evaluate(p, cfg, data, "dpo", refEval, opts) : {};
  return { ...lm, ...("accuracy" in dpo ? { "rewards/accuracies": dpo.accuracy, "rewards/margins": dpo.margin } : {}) };
}
