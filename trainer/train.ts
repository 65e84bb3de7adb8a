// The training loop, top to bottom: load a snapshot, SFT (loss on assistant tokens) and/or DPO (Rafailov et al. 2023)
// with AdamW, warm-up + cosine schedule, global-norm clipping, periodic eval and atomic checkpoints; progress as events.
import fs from "node:fs";
import path from "node:path";
import * as tf from "@tensorflow/tfjs";
import { presets, type ModelConfig } from "./config";
import { loadCheckpoint, saveCheckpoint, type TrainingState } from "./checkpoint";
import { assert, forward, initParams, tokenLogProbs, type Params } from "./model";
import { SPECIAL, renderChat, type Message } from "./tokenizer";
import { createRng } from "@/lib/leaderboard/leaderboard";

export type TrainOptions = {
  snapshot: string;
  stage: "sft" | "dpo" | "sft+dpo";
  out: string;
  init?: "tiny" | "small";
  from?: string;
  steps: number;
  lr: number;
  batch: number;
  beta: number;
  seed: number;
  evalEvery: number;
  saveEvery: number;
  warmup?: number;
  weightDecay: number;
  maxGradNorm: number;
  blockSize?: number;
  resume: boolean;
};
export type TrainEvent = { type: "start" | "step" | "eval" | "done" | "cancelled"; [k: string]: unknown };

// ── data ───────────────────────────────────────────────────────────────────────
type SftExample = { ids: number[]; mask: number[] };
type PrefExample = { prompt: number[]; chosen: number[]; rejected: number[] };

function readJsonl(file: string): unknown[] {
  if (!fs.existsSync(file)) return [];
  return fs
    .readFileSync(file, "utf8")
    .split("\n")
    .map((line, i) => ({ line, i }))
    .filter(({ line }) => line.trim())
    .map(({ line, i }) => {
      try {
        return JSON.parse(line);
      } catch {
        throw new Error(`${file}: line ${i + 1} is not valid JSON`);
      }
    });
}

function messagesOf(file: string, row: unknown, field: string, k: number): Message[] {
  const v = (row as Record<string, unknown>)[field];
  if (!Array.isArray(v) || !v.every((m) => m && typeof m.content === "string" && ["user", "assistant", "system"].includes(m.role))) {
    throw new Error(`${file}: row ${k + 1}: field "${field}" must be a list of {role, content} messages`);
  }
  return v as Message[];
}

export function loadSnapshot(dir: string, blockSize: number) {
  if (!fs.existsSync(path.join(dir, "manifest.json"))) throw new Error(`not a snapshot: ${path.join(dir, "manifest.json")} is missing`);
  const manifest = JSON.parse(fs.readFileSync(path.join(dir, "manifest.json"), "utf8")) as { id?: string };
  const sft = (split: string) => {
    const file = path.join(dir, `sft.${split}.jsonl`);
    return readJsonl(file).map((r, k) => {
      const { ids, mask } = renderChat(messagesOf(file, r, "messages", k));
      return { ids: ids.slice(0, blockSize + 1), mask: mask.slice(0, blockSize + 1) };
    });
  };
  const pref = (split: string) => {
    const file = path.join(dir, `preference.${split}.jsonl`);
    return readJsonl(file).map((r, k) => {
      const prompt = [...renderChat(messagesOf(file, r, "prompt", k)).ids, SPECIAL.assistant];
      const resp = (f: string) => messagesOf(file, r, f, k).flatMap((m) => [...new TextEncoder().encode(m.content), SPECIAL.end]);
      // Keep the end of the prompt and the start of the response when too long.
      const budget = blockSize + 1;
      const chosen = resp("chosen");
      const rejected = resp("rejected");
      const room = Math.max(8, budget - Math.max(chosen.length, rejected.length));
      const p = prompt.slice(-Math.min(prompt.length, room));
      return { prompt: p, chosen: chosen.slice(0, budget - p.length), rejected: rejected.slice(0, budget - p.length) };
    });
  };
  return { id: manifest.id ?? path.basename(dir), sftTrain: sft("train"), sftEval: sft("eval"), prefTrain: pref("train"), prefEval: pref("eval") };
}

/** A seeded PRNG (mulberry32, shared with the leaderboard bootstrap) so data order, and so the run, repeats for a seed. */
export const rng = createRng;

/** Pads sequences to one length; returns inputs [B, T], next-token targets [B, T] and the loss mask [B, T]. */
function sftBatch(examples: SftExample[]) {
  const T = Math.max(...examples.map((e) => e.ids.length)) - 1;
  const x: number[] = [], y: number[] = [], m: number[] = [];
  for (const e of examples) {
    for (let t = 0; t < T; t++) {
      x.push(e.ids[t] ?? SPECIAL.pad);
      y.push(e.ids[t + 1] ?? SPECIAL.pad);
      m.push(t + 1 < e.ids.length ? e.mask[t + 1] : 0);
    }
  }
  const B = examples.length;
  return { x: tf.tensor2d(x, [B, T], "int32"), y: tf.tensor2d(y, [B, T], "int32"), m: tf.tensor2d(m, [B, T]), tokens: m.reduce((a, b) => a + b, 0) };
}

/** Chosen and rejected sequences stacked: [2B, T]; the mask covers the response tokens only. */
function prefBatch(examples: PrefExample[]) {
  return sftBatch(examples.flatMap((e) => [e.chosen, e.rejected].map((r) => ({ ids: [...e.prompt, ...r], mask: [...e.prompt.map(() => 0), ...r.map(() => 1)] }))));
}

// ── losses ─────────────────────────────────────────────────────────────────────
export function sftLoss(p: Params, cfg: ModelConfig, b: ReturnType<typeof sftBatch>): tf.Scalar {
  const lp = tokenLogProbs(forward(p, cfg, b.x), b.y, cfg.vocabSize);
  return lp.mul(b.m).sum().neg().div(b.m.sum().maximum(1)) as tf.Scalar;
}

/** Summed response log-probability per sequence: [2B] (chosen, rejected interleaved). */
function sequenceLogProbs(p: Params, cfg: ModelConfig, b: ReturnType<typeof sftBatch>): tf.Tensor1D {
  return tokenLogProbs(forward(p, cfg, b.x), b.y, cfg.vocabSize).mul(b.m).sum(1) as tf.Tensor1D;
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

// ── optimizer ──────────────────────────────────────────────────────────────────
export function learningRate(step: number, total: number, base: number, warmup: number): number {
  if (step < warmup) return (base * (step + 1)) / warmup;
  const progress = Math.min(1, (step - warmup) / Math.max(1, total - warmup));
  // Cosine decay to 10% of the base rate.
  return base * (0.1 + 0.9 * 0.5 * (1 + Math.cos(Math.PI * progress)));
}

type Moments = Record<string, tf.Tensor>;

/** AdamW (Loshchilov & Hutter): Adam moments, decoupled weight decay on matrices only, after global-norm clipping. */
function adamwStep(p: Params, grads: Record<string, tf.Tensor>, m: Moments, v: Moments, t: number, lr: number, wd: number, maxNorm: number) {
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

// ── the loop ───────────────────────────────────────────────────────────────────
export async function train(opts: TrainOptions, emit: (e: TrainEvent) => void, signal?: AbortSignal) {
  const resumeState = opts.resume && fs.existsSync(path.join(opts.out, "training_state.json")) ? loadCheckpoint(opts.out) : null;
  let cfg: ModelConfig;
  let params: Params;
  if (resumeState) ({ cfg, params } = resumeState);
  else if (opts.from) ({ cfg, params } = loadCheckpoint(opts.from));
  else {
    cfg = { ...presets[opts.init ?? "tiny"], ...(opts.blockSize ? { blockSize: opts.blockSize } : {}) };
    params = initParams(cfg, opts.seed);
  }
  const data = loadSnapshot(opts.snapshot, cfg.blockSize);
  const stages: Array<"sft" | "dpo"> = opts.stage === "sft+dpo" ? ["sft", "dpo"] : [opts.stage];
  if (stages.includes("sft")) assert(data.sftTrain.length > 0, `snapshot ${opts.snapshot} has no SFT examples (sft.train.jsonl is empty or missing)`);
  if (stages.includes("dpo")) assert(data.prefTrain.length > 0, `snapshot ${opts.snapshot} has no preference pairs (preference.train.jsonl is empty or missing)`);
  emit({ type: "start", backend: tf.getBackend(), config: cfg, snapshot: data.id, sft: data.sftTrain.length, pairs: data.prefTrain.length });

  const perStage = stages.length === 2 ? [Math.ceil(opts.steps / 2), Math.floor(opts.steps / 2)] : [opts.steps];
  const m: Moments = resumeState?.optimizer ? Object.fromEntries(Object.keys(params).map((k) => [k, resumeState.optimizer![`m.${k}`]])) : Object.fromEntries(Object.entries(params).map(([k, p]) => [k, tf.zerosLike(p)]));
  const v: Moments = resumeState?.optimizer ? Object.fromEntries(Object.keys(params).map((k) => [k, resumeState.optimizer![`v.${k}`]])) : Object.fromEntries(Object.entries(params).map(([k, p]) => [k, tf.zerosLike(p)]));
  let globalStep = resumeState?.state?.step ?? 0;
  const started = Date.now();
  let tokensSeen = 0;
  let last: Record<string, number> = {};

  const save = (step: number, stage: string) => {
    const opt = Object.fromEntries([...Object.entries(m).map(([k, t]) => [`m.${k}`, t]), ...Object.entries(v).map(([k, t]) => [`v.${k}`, t])]);
    const state: TrainingState = { step, stage, seed: opts.seed, dataPosition: step };
    saveCheckpoint(opts.out, cfg, params, state, opt, { stage: opts.stage, snapshot: data.id });
  };

  let offset = 0;
  for (let s = 0; s < stages.length; s++) {
    const stage = stages[s];
    const stageStart = offset;
    const stageEnd = offset + perStage[s];
    offset = stageEnd;
    if (globalStep >= stageEnd) continue;
    const warmup = opts.warmup ?? Math.max(1, Math.floor(perStage[s] * 0.1));
    // DPO's reference is the model as the stage starts, frozen; its log-probs are computed once per pair.
    let refTrain: Float32Array | null = null;
    let refEval: Float32Array | null = null;
    if (stage === "dpo") {
      const refOf = (pairs: PrefExample[]) => {
        const out = new Float32Array(pairs.length * 2);
        for (let i = 0; i < pairs.length; i += opts.batch) {
          const b = prefBatch(pairs.slice(i, i + opts.batch));
          const lp = tf.tidy(() => sequenceLogProbs(params, cfg, b));
          out.set(lp.dataSync(), i * 2);
          tf.dispose([lp, b.x, b.y, b.m]);
        }
        return out;
      };
      const refFile = path.join(path.dirname(opts.out), `${path.basename(opts.out)}.dpo-ref.json`);
      if (resumeState && fs.existsSync(refFile)) {
        const saved = JSON.parse(fs.readFileSync(refFile, "utf8"));
        refTrain = Float32Array.from(saved.train);
        refEval = Float32Array.from(saved.eval);
      } else {
        refTrain = refOf(data.prefTrain);
        refEval = refOf(data.prefEval);
        fs.writeFileSync(refFile, JSON.stringify({ train: Array.from(refTrain), eval: Array.from(refEval) }));
      }
    }
    const examples = stage === "sft" ? data.sftTrain : data.prefTrain;
    for (; globalStep < stageEnd; globalStep++) {
      if (signal?.aborted) {
        emit({ type: "cancelled", step: globalStep });
        return null;
      }
      const local = globalStep - stageStart;
      // The batch for a step depends only on (seed, step): a resumed run sees the same data.
      const r = rng(opts.seed * 1_000_003 + globalStep);
      const picks = Array.from({ length: Math.min(opts.batch, examples.length) }, () => Math.floor(r() * examples.length));
      const lr = learningRate(local, perStage[s], opts.lr, warmup);
      const t0 = Date.now();
      let metrics: Record<string, number>;
      if (stage === "sft") {
        const b = sftBatch(picks.map((i) => data.sftTrain[i]));
        const { value, grads } = tf.variableGrads(() => sftLoss(params, cfg, b), Object.values(params));
        const byName = Object.fromEntries(Object.entries(params).map(([k, p]) => [k, grads[p.name]]));
        adamwStep(params, byName, m, v, globalStep + 1, lr, opts.weightDecay, opts.maxGradNorm);
        metrics = { loss: value.dataSync()[0], tokens: b.tokens, learning_rate: lr };
        tokensSeen += b.x.size;
        tf.dispose([value, ...Object.values(grads), b.x, b.y, b.m]);
      } else {
        const pairs = picks.map((i) => data.prefTrain[i]);
        const b = prefBatch(pairs);
        const ref = tf.tensor1d(picks.flatMap((i) => [refTrain![2 * i], refTrain![2 * i + 1]]));
        let stats: number[] = [];
        const { value, grads } = tf.variableGrads(() => {
          const out = dpoLoss(sequenceLogProbs(params, cfg, b), ref, opts.beta);
          stats = [out.chosen.mean().dataSync()[0], out.rejected.mean().dataSync()[0], out.margins.greater(0).cast("float32").mean().dataSync()[0], out.margins.mean().dataSync()[0]];
          return out.loss;
        }, Object.values(params));
        const byName = Object.fromEntries(Object.entries(params).map(([k, p]) => [k, grads[p.name]]));
        adamwStep(params, byName, m, v, globalStep + 1, lr, opts.weightDecay, opts.maxGradNorm);
        metrics = { loss: value.dataSync()[0], "rewards/chosen": stats[0], "rewards/rejected": stats[1], "rewards/accuracies": stats[2], "rewards/margins": stats[3], learning_rate: lr };
        tokensSeen += b.x.size;
        tf.dispose([value, ...Object.values(grads), b.x, b.y, b.m, ref]);
      }
      const elapsed = (Date.now() - started) / 1000;
      const stepMs = Date.now() - t0;
      last = metrics;
      emit({ type: "step", stage, step: globalStep + 1, totalSteps: opts.steps, loss: metrics.loss, tokensPerSec: Math.round(tokensSeen / Math.max(elapsed, 1e-3)), etaMs: stepMs * (opts.steps - globalStep - 1), metrics });
      const done = globalStep + 1 === stageEnd;
      if ((globalStep + 1) % opts.evalEvery === 0 || done) emit({ type: "eval", stage, step: globalStep + 1, metrics: evaluate(params, cfg, data, stage, refEval, opts) });
      if ((globalStep + 1) % opts.saveEvery === 0 && !done) save(globalStep + 1, stage);
      await new Promise((res) => setImmediate(res));
    }
  }
  save(globalStep, stages[stages.length - 1]);
  const final = { ...Object.fromEntries(Object.entries(last).map(([k, v2]) => [`train/${k}`, v2])), ...prefixed(evaluateAll(params, cfg, data, opts)) };
  emit({ type: "done", checkpoint: opts.out, step: globalStep, metrics: final });
  Object.values(params).forEach((p) => p.dispose());
  [...Object.values(m), ...Object.values(v)].forEach((t) => t.dispose());
  return final;
}

function prefixed(x: Record<string, number>) {
  return Object.fromEntries(Object.entries(x).map(([k, v]) => [`eval/${k}`, v]));
}

/** Held-out figures: SFT loss and perplexity; DPO preference accuracy and mean margin (against the stage's reference). */
export function evaluate(p: Params, cfg: ModelConfig, data: ReturnType<typeof loadSnapshot>, stage: "sft" | "dpo", ref: Float32Array | null, opts: { batch: number; beta: number }): Record<string, number> {
  if (stage === "sft") {
    const set = data.sftEval.length ? data.sftEval : data.sftTrain.slice(0, 16);
    let sum = 0;
    let n = 0;
    for (let i = 0; i < set.length; i += opts.batch) {
      const b = sftBatch(set.slice(i, i + opts.batch));
      const l = tf.tidy(() => sftLoss(p, cfg, b));
      sum += l.dataSync()[0] * b.tokens;
      n += b.tokens;
      tf.dispose([l, b.x, b.y, b.m]);
    }
    const loss = n ? sum / n : NaN;
    return { loss, perplexity: Math.exp(loss) };
  }
  const set = data.prefEval;
  if (!set.length || !ref) return {};
  let correct = 0;
  let margin = 0;
  for (let i = 0; i < set.length; i += opts.batch) {
    const b = prefBatch(set.slice(i, i + opts.batch));
    const lp = tf.tidy(() => sequenceLogProbs(p, cfg, b)).dataSync();
    for (let k = 0; k < lp.length / 2; k++) {
      const mgn = opts.beta * (lp[2 * k] - ref[2 * (i + k)] - (lp[2 * k + 1] - ref[2 * (i + k) + 1]));
      margin += mgn;
      if (mgn > 0) correct += 1;
    }
    tf.dispose([b.x, b.y, b.m]);
  }
  return { accuracy: correct / set.length, margin: margin / set.length };
}

function evaluateAll(p: Params, cfg: ModelConfig, data: ReturnType<typeof loadSnapshot>, opts: TrainOptions) {
  return data.sftEval.length || data.sftTrain.length ? evaluate(p, cfg, data, "sft", null, opts) : {};
}
