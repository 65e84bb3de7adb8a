// The training loop, top to bottom: load a snapshot, pretrain (causal LM), SFT (loss on assistant tokens) and/or DPO
// (Rafailov et al. 2023; metrics named as TRL logs them), or a reward model (trainer/reward.ts) with AdamW, warm-up + cosine schedule, global-norm clipping,
// gradient accumulation, periodic eval with early stopping, and atomic checkpoints; progress as events (trainer/protocol.ts).
// Memory is planned before the first step (trainer/memory.ts): each batch is cut into passes that fit the backend.
// Full fine-tuning, or LoRA (Hu et al. 2021; trainer/lora.ts) on a frozen Llama-family base: only the adapters get
// gradients and Adam moments, and DPO's reference is the base with the adapters off (TRL's PEFT behaviour). An optional
// pilot (trainer/pilot.ts) probes a share of the data first and stops the run if held-out loss did not fall.
import fs from "node:fs";
import path from "node:path";
import * as tf from "@tensorflow/tfjs";
import { z } from "zod";
import { LLAMA_ARCHITECTURES, modelConfigSchema, presets, type LoraOptions, type ModelConfig } from "./config";
import { loadCheckpoint, readTrainingState, saveCheckpoint, scoreFrom, type TrainingState } from "./checkpoint";
import { loadSnapshot, pickExamples, type Snapshot } from "./data";
import { initLora, loadAdapter, saveLoraCheckpoint } from "./lora";
import { planMemory, type Plan } from "./memory";
import { initParams, toVariables, type Params } from "./model";
import { adamwStep, learningRate, type Moments } from "./optim";
import { runPilot } from "./pilot";
import { TrainerError, type MemoryPlan, type RunKind, type Stage, type StageSpan, type TrainerEvent } from "./protocol";
import { initScore, SCORE } from "./reward";
import { readModelWeights } from "./safetensors";
import { evaluateAll, evaluate, pairLogProbs, prefixed, replaceEach, splitStep } from "./step";
import { byteTokenizer, type Tokenizer } from "./tokenizer";

export { evaluate } from "./step";

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
  /** LoRA adapters on the frozen base of --from (a Llama-family checkpoint); absent: full fine-tuning */
  lora?: LoraOptions;
  /** share of the first stage's examples for a pilot run before the full run; absent: no pilot */
  pilot?: number;
};
export type TrainEvent = TrainerEvent;

function examplesOf(data: Snapshot, stage: Stage): unknown[] {
  return stage === "sft" ? data.sftTrain : stage === "dpo" || stage === "rm" ? data.prefTrain : data.pretrainTrain;
}

const MISSING: Record<Stage, string> = {
  pretrain: "no text to pretrain on (pretrain.train.jsonl and sft.train.jsonl are empty or missing)",
  sft: "no SFT examples (sft.train.jsonl is empty or missing: approve demonstrations or import instruction/response data, or train the dpo stage alone)",
  dpo: "no preference pairs (preference.train.jsonl is empty or missing: rank model outputs or import preference data, or train the sft stage alone)",
  rm: "no preference pairs for a reward model (preference.train.jsonl is empty or missing: rank model outputs or import preference data)",
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
/** The starting checkpoint; one that cannot be read is a usage error naming the flag. */
function loadFrom(dir: string) {
  try {
    return loadCheckpoint(dir);
  } catch (e) {
    throw new TrainerError("usage", `--from ${dir}: ${(e as Error).message}`);
  }
}

/** The base of a LoRA run: a Llama-family checkpoint (the CLI checks the flags first; this guards other callers). */
function loraBase(opts: TrainOptions) {
  if (!opts.from) throw new TrainerError("usage", "--lora-rank: LoRA fine-tunes a pretrained base: pass --from CKPT (a Llama-family checkpoint)");
  const base = loadFrom(opts.from);
  if (!base.cfg.llama) {
    tf.dispose(Object.values(base.params));
    throw new TrainerError("usage", `--lora-rank: LoRA needs a Llama-family base (${LLAMA_ARCHITECTURES.join(", ")}); --from ${opts.from} is GPT-2-shaped`);
  }
  return base;
}

export async function train(opts: TrainOptions, emit: (e: TrainEvent) => void, signal?: AbortSignal) {
  const resuming = opts.resume && fs.existsSync(path.join(opts.out, "training_state.json"));
  // A LoRA run resumes from the base (--from) and the adapters, moments and state of its last checkpoint (whose
  // model.safetensors holds the merged weights, not the base).
  const resumed = resuming && !opts.lora ? loadCheckpoint(opts.out) : null;
  const resumeState = resumed ?? (resuming ? readTrainingState(opts.out) : null);
  let cfg: ModelConfig;
  // A fresh model's weights are made after the memory plan: a model that cannot fit is refused before it is allocated.
  let params: Params | null = null;
  let adapters: Params | null = null;
  let tokenizer: Tokenizer = byteTokenizer;
  if (opts.lora) {
    ({ cfg, params, tokenizer } = loraBase(opts));
    adapters = resuming ? loadAdapter(opts.out, cfg).params : initLora(cfg, opts.lora, opts.seed);
    cfg = { ...cfg, lora: opts.lora };
  } else if (resumed) ({ cfg, params, tokenizer } = resumed);
  else if (opts.from) ({ cfg, params, tokenizer } = loadFrom(opts.from));
  else {
    cfg = modelConfigSchema.parse({ ...presets[opts.init ?? "tiny"], ...(opts.blockSize ? { blockSize: opts.blockSize } : {}), ...opts.model });
  }
  const data = loadSnapshot(opts.snapshot, Math.min(opts.blockSize ?? cfg.blockSize, cfg.blockSize), tokenizer);
  const { stages, skipped } = chooseStages(opts.stage, data, opts.snapshot);
  const K = opts.gradAccum ?? 1;
  const batchOf = (st: Stage) => Math.min(opts.batch, examplesOf(data, st).length);
  // Memory is planned before anything runs: each stage's batch is cut into passes that fit; nothing fitting is an error.
  const seqLen = longestSequence(data);
  const plans = stages.map((st) => planMemory(cfg, { batch: batchOf(st), gradAccum: K, seqLen, sequencesPerExample: st === "dpo" || st === "rm" ? 2 : 1, backend: tf.getBackend() }));
  const refused = plans.find((pl): pl is Extract<Plan, { ok: false }> => !pl.ok);
  if (refused) throw new TrainerError("memory", `${stages[plans.indexOf(refused)]} stage: ${refused.message}`);
  const fits = plans as Array<Extract<Plan, { ok: true }>>;
  /** examples per pass of each stage, and sequences per pass of forward-only work (reference, evaluation) */
  const capOf = (st: Stage) => fits[stages.indexOf(st)].microBatch / (st === "dpo" || st === "rm" ? 2 : 1);
  const passSeqs = Math.min(...fits.map((pl) => pl.microBatch));
  const tightest = fits.find((pl) => pl.microBatch === passSeqs)!;
  const plan: MemoryPlan = { backend: tightest.backend, microBatch: tightest.microBatch, gradAccum: tightest.gradAccum, recompute: tightest.recompute, peakBytes: tightest.peakBytes, budgetBytes: tightest.budgetBytes };
  const evalOpts = { batch: passSeqs, beta: opts.beta };
  params ??= initParams(cfg, opts.seed);
  if (stages.includes("rm")) {
    // The reward head: the checkpoint's (a resumed run, --from a reward model), else fresh. Under LoRA it trains beside
    // the adapters (PEFT's modules_to_save for a sequence-classification task), and is saved in the merged weights.
    let score: tf.Variable | null = params[SCORE] ?? null;
    if (adapters) {
      delete params[SCORE];
      if (resuming) {
        score?.dispose();
        score = toVariables(scoreFrom(cfg, readModelWeights(opts.out), path.join(opts.out, "model.safetensors")))[SCORE] ?? null;
      }
      adapters[SCORE] = score ?? initScore(cfg, opts.seed);
    } else params[SCORE] = score ?? initScore(cfg, opts.seed);
  }
  /**
   * what the optimizer updates: the adapters (LoRA) or every weight the stage's loss reaches (a reward model has no use
   * for an untied lm_head; a language-model stage none for a reward head)
   */
  const unused = stages.includes("rm") ? "lm_head.weight" : SCORE;
  const trainable: Params = adapters ?? Object.fromEntries(Object.entries(params).filter(([k]) => k !== unused));
  const model: Params = adapters ? { ...params, ...adapters } : params;
  const perStage = opts.epochs
    ? stages.map((st) => Math.max(1, Math.ceil((opts.epochs! * examplesOf(data, st).length) / (batchOf(st) * K))))
    : stages.length === 2 ? [Math.ceil(opts.steps / 2), Math.floor(opts.steps / 2)] : [opts.steps];
  const totalSteps = perStage.reduce((a, b) => a + b, 0);
  const spans: StageSpan[] = stages.map((stage, s) => ({ stage, from: perStage.slice(0, s).reduce((a, b) => a + b, 0), to: perStage.slice(0, s + 1).reduce((a, b) => a + b, 0) }));
  emit({ type: "start", backend: tf.getBackend(), config: cfg, snapshot: data.id, sft: data.sftTrain.length, pairs: data.prefTrain.length, texts: data.pretrainTrain.length, totalSteps, stages: spans, skipped, plan });

  if (opts.pilot && !resuming) {
    emit({ type: "phase", phase: "pilot", stage: stages[0], step: 0 });
    // The weights the full run starts from, kept on the host (LoRA: the adapters only) and put back after the probe.
    const initial = Object.fromEntries(Object.entries(trainable).map(([k, t]) => [k, (t.dataSync() as Float32Array).slice()]));
    const verdict = runPilot(model, trainable, cfg, data, stages[0], {
      share: opts.pilot, stageSteps: perStage[0], batch: batchOf(stages[0]), gradAccum: K, cap: capOf(stages[0]), recompute: fits[0].recompute, lr: opts.lr,
      weightDecay: opts.weightDecay, maxGradNorm: opts.maxGradNorm, beta: opts.beta, seed: opts.seed, evalOpts,
    });
    emit(verdict);
    const f = (x: number | null) => (x === null ? "none" : x.toFixed(4));
    if (!verdict.passed) {
      tf.dispose([...Object.values(params), ...Object.values(adapters ?? {})]);
      throw new TrainerError("pilot_failed", `pilot run on ${verdict.examples} ${stages[0]} examples (${Math.round(opts.pilot * 100)}% of the snapshot): held-out loss ${f(verdict.lossBefore)} before, ${f(verdict.lossAfter)} after; it did not fall, so the full run was not started (lower the learning rate or check the data)`);
    }
    for (const [k, t] of Object.entries(trainable)) tf.tidy(() => t.assign(tf.tensor(initial[k], t.shape)));
  }

  const moments = (prefix: string): Moments => Object.fromEntries(Object.entries(trainable).map(([k, p]) => [k, resumeState?.optimizer?.[`${prefix}.${k}`] ?? tf.zerosLike(p)]));
  const m = moments("m");
  const v = moments("v");
  let globalStep = resumeState?.state?.step ?? 0;
  const started = Date.now();
  let tokensSeen = 0;
  let last: Record<string, number> = {};
  let refEval: Float32Array | null = null;

  // Every setting of the run goes into the checkpoint, so the run can be reproduced from it.
  const { snapshot: _s, out: _o, resume: _r, stage: _st, ...hyperparameters } = opts;
  void [_s, _o, _r, _st];
  const meta = { stage: opts.stage, snapshot: data.id, hyperparameters, ...(opts.lora ? { lora: { ...opts.lora, base: path.resolve(opts.from!) } } : {}) };
  const save = (step: number, stage: string, dataPosition: number) => {
    const opt = Object.fromEntries([...Object.entries(m).map(([k, t]) => [`m.${k}`, t] as const), ...Object.entries(v).map(([k, t]) => [`v.${k}`, t] as const)]);
    const state: TrainingState = { step, stage, seed: opts.seed, dataPosition };
    if (adapters) saveLoraCheckpoint(opts.out, cfg, params, adapters, state, opt, meta, tokenizer, path.resolve(opts.from!));
    else saveCheckpoint(opts.out, cfg, params, state, opt, meta, tokenizer);
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
    // DPO's reference is frozen and its log-probs are computed once per pair: the model as the stage starts (full
    // fine-tuning) or the base with the adapters off (LoRA; no second copy of the weights either way).
    let refTrain: Float32Array | null = null;
    if (stage === "dpo") {
      emit({ type: "phase", phase: "reference", stage, step: globalStep });
      const refFile = path.join(path.dirname(opts.out), `${path.basename(opts.out)}.dpo-ref.json`);
      if (resumeState && fs.existsSync(refFile)) {
        // a pair the stage never picks has no reference: null in the file (NaN in memory); files that scored every pair read the same
        const saved = z.object({ train: z.array(z.number().nullable()), eval: z.array(z.number()) }).parse(JSON.parse(fs.readFileSync(refFile, "utf8")));
        refTrain = Float32Array.from(saved.train, (x) => x ?? NaN);
        refEval = Float32Array.from(saved.eval);
      } else {
        // Only the pairs the stage's steps pick are scored (the picks depend on seed, stage and step alone): 100 steps
        // of 8 pairs score 800 pairs, not the whole split (2,193 on the real data, 2.7× the work before the first step).
        const used = [...new Set(pickExamples(n, 0, perStage[s] * B * K, opts.seed, s))].sort((a, b) => a - b);
        // adapters off: the base under LoRA (with full fine-tuning there are none: the model itself)
        const scored = pairLogProbs(model, cfg, used.map((i) => data.prefTrain[i]), Math.max(1, passSeqs >> 1), data.pad, true);
        refTrain = new Float32Array(n * 2).fill(NaN);
        used.forEach((i, j) => refTrain!.set(scored.subarray(2 * j, 2 * j + 2), 2 * i));
        refEval = pairLogProbs(model, cfg, data.prefEval, Math.max(1, passSeqs >> 1), data.pad, true);
        fs.writeFileSync(refFile, JSON.stringify({ train: Array.from(refTrain, (x) => (Number.isNaN(x) ? null : x)), eval: Array.from(refEval) }));
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
        const r = splitStep(model, trainable, cfg, stage, data, picks.slice(k * B, (k + 1) * B), refTrain, opts.beta, capOf(stage), fits[s].recompute);
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
      adamwStep(trainable, grads!, m, v, globalStep + 1, lr, opts.weightDecay, opts.maxGradNorm);
      tf.dispose(Object.values(grads!));
      // SFT's `tokens` is a count (summed over micro-batches); DPO's rewards are means.
      const metrics = { loss: lossSum / K, ...Object.fromEntries(Object.entries(sums).map(([key, x]) => [key, key === "tokens" ? x : x / K])), learning_rate: lr };
      const elapsed = (Date.now() - started) / 1000;
      const stepMs = Date.now() - t0;
      last = metrics;
      emit({ type: "step", stage, step: globalStep + 1, totalSteps, loss: metrics.loss, tokensPerSec: Math.round(tokensSeen / Math.max(elapsed, 1e-3)), etaMs: stepMs * (totalSteps - globalStep - 1), metrics });
      const done = globalStep + 1 === stageEnd;
      if ((globalStep + 1) % opts.evalEvery === 0 || done) {
        const ev = evaluate(model, cfg, data, stage, refEval, evalOpts);
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
  // A reward model's held-out figures are its own (Bradley–Terry loss, pairwise accuracy, margin); it is no language model.
  const heldOut = stages.includes("rm") ? evaluate(model, cfg, data, "rm", null, evalOpts) : evaluateAll(model, cfg, data, evalOpts, refEval);
  const final = { ...Object.fromEntries(Object.entries(last).map(([k, x]) => [`train/${k}`, x])), ...prefixed(heldOut) };
  emit({ type: "done", checkpoint: opts.out, step: globalStep, metrics: final, peakBytes: memoryHighWater() });
  Object.values(model).forEach((p) => p.dispose());
  [...Object.values(m), ...Object.values(v)].forEach((t) => t.dispose());
  return final;
}

/** The memory high-water mark: the wasm heap's size (emscripten grows it and never shrinks it), else the resident set now. */
export function memoryHighWater(): number {
  const wasm = (tf.backend() as unknown as { wasm?: { HEAPU8?: Uint8Array } }).wasm;
  return wasm?.HEAPU8?.length ?? process.memoryUsage().rss;
}
