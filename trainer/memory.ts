// Memory planning: the peak bytes of one training step, estimated from the model's shape, the sequences per pass and
// their length, and the budget of the backend (the wasm heap's 4 GiB ceiling, the machine's RAM); the plan splits the
// requested batch into micro-batches with gradient accumulation so each pass fits, recomputes each block in backward
// (gradient checkpointing, Chen et al. 2016: trainer/model.ts `recompute`) where activations dominate and that lets a
// larger pass or any pass fit, or says, with the figures, that nothing does. Pure arithmetic (no TensorFlow.js), so the
// job queue can refuse a run before anything starts.
import os from "node:os";

/** The fields of a model config the estimate reads (trainer/config.ts's ModelConfig has them all). */
export type ModelShape = {
  vocabSize: number;
  blockSize: number;
  nLayer: number;
  nHead: number;
  nEmbd: number;
  llama?: { nKvHead: number; headDim: number; intermediateSize: number; tiedHead: boolean } | undefined;
  /** LoRA on a frozen base: adapters of this rank on these projections (trainer/lora.ts) */
  lora?: { rank: number; targets: readonly string[] } | undefined;
};

/** tfjs-backend-wasm 4.22 is built with a 4 GiB maximum heap (emscripten's getHeapMax: 4294901760 bytes). */
export const WASM_HEAP_MAX = 4_294_901_760;
const MiB = 2 ** 20;

/**
 * Coefficients measured on the wasm backend (tfjs 4.22, Node 20): the heap's high-water mark (HEAPU8.length) after
 * three SFT steps of the `small` preset at (sequences, T) = (1, 256), (2, 256), (8, 128), (1, 512), (2, 512), (3, 512)
 * fitted as base + sequences·(ATTN·T² + LINEAR·T), per layer and unit of width. They include the allocator's
 * fragmentation and every intermediate tfjs keeps until the forward pass ends (tf.variableGrads keeps the whole
 * forward alive, not only what the backward needs): about 12 float32 copies of each T×T attention map per layer and
 * 32 of each activation row, per sequence.
 */
const ATTN_COPIES = 12.2;
const LINEAR_COPIES = 32;
/** logits, log-softmax, one-hot targets and their gradients: [T, V] each */
const HEAD_COPIES = 8;
/**
 * With recomputation (the same measurement at (sequences, T) = (2, 512), (4, 512), (8, 512), (4, 256), (8, 256)): one
 * block is alive at a time, recomputed with its gradients inside one tidy, at 1.1× what a block costs in the plain
 * fit; each block's checkpoint keeps its input [T, C] and, in backward, its output's gradient.
 */
const RECOMPUTED_BLOCK = 1.1;
const CHECKPOINT_COPIES = 2;
/** parameters, gradients, Adam's two moments, an accumulator, and AdamW's temporaries inside its one tf.tidy */
const PARAM_COPIES = 12;
/** the wasm runtime, the tokenized snapshot and JS objects beside the tensors */
const RUNTIME_BYTES = 32 * MiB;
/** The estimate is multiplied by this before it is compared with the budget (the fit was within 6% on measured shapes). */
export const SAFETY = 1.1;

/** Number of trainable parameters (GPT-2: tied head, learned positions; Llama family: per trainer/model.ts paramShapes). */
export function paramCount(cfg: ModelShape): number {
  const { vocabSize: V, blockSize: T, nLayer: L, nEmbd: C } = cfg;
  const o = cfg.llama;
  if (!o) return V * C + T * C + L * (C * 3 * C + 3 * C + C * C + C + C * 4 * C + 4 * C + 4 * C * C + C + 4 * C) + 2 * C;
  const qd = cfg.nHead * o.headDim;
  const kvd = o.nKvHead * o.headDim;
  const I = o.intermediateSize;
  // biases are optional and small: counted as present, so the estimate stays an upper bound
  const layer = C * qd + 2 * C * kvd + qd * C + 3 * C * I + 2 * C + qd + 2 * kvd + C + 2 * I + C;
  return V * C + L * layer + C + (o.tiedHead ? 0 : C * V);
}

/**
 * Estimated peak bytes of one forward + backward + AdamW step over `sequences` sequences of `seqLen` tokens, with every
 * block's intermediates kept until backward (plain) or one block's at a time (`recompute`).
 */
export function estimateStepBytes(cfg: ModelShape, sequences: number, seqLen: number, recompute = false): number {
  return RUNTIME_BYTES + paramStateBytes(cfg) + sequences * activationBytes(cfg, seqLen, recompute);
}

/** Parameters, their gradients and the optimizer's state. */
function paramStateBytes(cfg: ModelShape): number {
  if (cfg.lora && cfg.llama) {
    // LoRA: the frozen base (no gradients, no Adam state) once; the frozen weights are multiplied from the right only
    // through transient copies, so wasm's XNNPACK keeps no packed copy of them (trainer/ops.ts transientOperand), and
    // the head is never transposed whole; the adapters with every copy a trained weight has; the sliced head's buffers
    // and its slice with that slice's packed copy (trainer/head-loss.ts).
    return 4 * (paramCount(cfg) + PARAM_COPIES * loraParamCount(cfg)) + LORA_HEAD_SLICE_BYTES + 2 * 4 * cfg.nEmbd * Math.min(cfg.vocabSize, LORA_HEAD_SLICE_COLS);
  }
  return PARAM_COPIES * 4 * paramCount(cfg);
}

/** The sliced head's [rows, cols] buffers alive at once in backward (logits, softmax, one-hot, their difference, dx). */
const LORA_HEAD_SLICE_BYTES = 5 * 16 * MiB;
/** The widest head slice counted: 16 MiB of logits at 256 rows a pass (trainer/head-loss.ts headSliceCols). */
const LORA_HEAD_SLICE_COLS = 16384;

/** Numbers in LoRA's adapters: rank × (in + out) per adapted projection and layer. */
export function loraParamCount(cfg: ModelShape): number {
  const o = cfg.llama;
  if (!cfg.lora || !o) return 0;
  const [C, qd, kvd, I] = [cfg.nEmbd, cfg.nHead * o.headDim, o.nKvHead * o.headDim, o.intermediateSize];
  const io: Record<string, number> = { q: C + qd, k: C + kvd, v: C + kvd, o: qd + C, gate: C + I, up: C + I, down: I + C };
  return cfg.nLayer * cfg.lora.rank * cfg.lora.targets.reduce((a, t) => a + (io[t] ?? 0), 0);
}

/** What one sequence of T tokens adds to a step's peak. */
function activationBytes(cfg: ModelShape, T: number, recompute: boolean): number {
  const { nLayer: L, nHead: nh, nEmbd: C, vocabSize: V } = cfg;
  const hidden = cfg.llama ? 2 * cfg.llama.intermediateSize : 4 * C; // SwiGLU's gate and up, or GPT-2's 4C MLP
  const block = ATTN_COPIES * nh * T * T + LINEAR_COPIES * T * (C + hidden);
  // LoRA: its blocks are always gradient checkpoints, and its frozen head's logits exist one chunk at a time (above).
  const blocks = recompute || cfg.lora ? RECOMPUTED_BLOCK * block + CHECKPOINT_COPIES * L * T * C : L * block;
  return 4 * (blocks + (cfg.lora ? 2 * T * C : HEAD_COPIES * T * V));
}

/**
 * The bytes a step may use on this backend: three quarters of the wasm heap's ceiling (batches of uneven lengths
 * fragment the heap more than the fitted shapes did), and never more than 60% of RAM.
 */
export function memoryBudget(backend: string, totalMem = os.totalmem()): number {
  const ram = 0.6 * totalMem;
  return backend === "wasm" ? Math.min(0.75 * WASM_HEAP_MAX, ram) : ram;
}

export type PlanRequest = {
  /** examples per update as asked (a DPO example is a pair: two sequences) */
  batch: number;
  /** micro-batches per update as asked (the CLI's --grad-accum); the effective batch is batch × gradAccum */
  gradAccum?: number;
  /** the longest sequence a pass will see: the context length, or the longest example of the snapshot */
  seqLen: number;
  /** 2 for DPO (chosen and rejected), 1 otherwise */
  sequencesPerExample: 1 | 2;
  /** plan with (true) or without (false) recomputation only; absent: the planner chooses */
  recompute?: boolean;
  backend: string;
  totalMem?: number;
};

export type Plan =
  | { ok: true; backend: string; microBatch: number; gradAccum: number; recompute: boolean; peakBytes: number; budgetBytes: number; plainPeakBytes: number }
  | { ok: false; backend: string; peakBytes: number; budgetBytes: number; maxSeqLen: number; message: string };

const gib = (b: number) => `${(b / 2 ** 30).toFixed(2)} GiB`;

/**
 * The largest micro-batch (in examples) that fits, dividing each requested batch into equal-or-smaller passes whose
 * gradients are summed with their token (SFT) or pair (DPO) weights: the update equals the unsplit one. Recomputation
 * costs one more forward pass of every block (a third more compute), so it is chosen only where activations outweigh
 * the parameters' state and it lets at least twice the examples into a pass, or lets any pass fit at all. Measured on
 * wasm (small, context 512, at load 16 on 2 cores): one recomputed pass of 8 ran at 78 tokens/s, four plain passes of
 * 2 at 75, two recomputed passes of 4 at 71; the recomputed step's heap peak was 1859 MiB against 2404.
 */
export function planMemory(cfg: ModelShape, req: PlanRequest): Plan {
  const budget = memoryBudget(req.backend, req.totalMem);
  const per = req.sequencesPerExample;
  const need = (examples: number, recompute: boolean) => SAFETY * estimateStepBytes(cfg, examples * per, req.seqLen, recompute);
  /** the largest pass (in examples) that fits, 0 when not even one does */
  const largest = (recompute: boolean) => {
    for (let mb = req.batch; mb >= 1; mb--) if (need(mb, recompute) <= budget) return mb;
    return 0;
  };
  const K = req.gradAccum ?? 1;
  const plain = req.recompute === true ? 0 : largest(false);
  const re = req.recompute === false || plain === req.batch ? 0 : largest(true);
  const dominate = (mb: number) => mb * per * activationBytes(cfg, req.seqLen, false) > paramStateBytes(cfg);
  const recompute = re > 0 && (plain === 0 || (re >= 2 * plain && dominate(Math.max(plain, 1))));
  const mb = recompute ? re : plain;
  if (mb > 0) {
    const passes = Math.ceil(req.batch / mb);
    // as few passes as mb allows, made as even as possible (batch 8 at most 3 a pass: 3 passes of at most 3)
    const micro = Math.ceil(req.batch / passes);
    return { ok: true, backend: req.backend, microBatch: micro * per, gradAccum: passes * K, recompute, peakBytes: Math.round(need(micro, recompute)), budgetBytes: Math.round(budget), plainPeakBytes: Math.round(need(micro, false)) };
  }
  // Nothing fits (even recomputed, unless recomputation was ruled out): the longest context at which one example would.
  const rc = req.recompute !== false;
  let maxSeqLen = 0;
  for (let t = req.seqLen; t >= 8; t = Math.floor(t * 0.9)) {
    if (SAFETY * estimateStepBytes(cfg, per, t, rc) <= budget) {
      maxSeqLen = t;
      break;
    }
  }
  const one = need(1, rc);
  const what = per === 2 ? "one preference pair (two sequences)" : "one sequence";
  const fix = maxSeqLen ? `lower the context length (blockSize) to ${maxSeqLen} tokens or less, or train on a backend with more memory` : "the model itself does not fit: pick a smaller base model";
  return {
    ok: false,
    backend: req.backend,
    peakBytes: Math.round(one),
    budgetBytes: Math.round(budget),
    maxSeqLen,
    message: `one training step needs about ${gib(one)} with ${what} of ${req.seqLen} tokens per pass${rc ? ` and every block recomputed (${gib(need(1, false))} without` : " (recomputation ruled out"}; batch ${req.batch} split to the smallest pass), more than the ${gib(budget)} the ${req.backend} backend can use: ${fix}`,
  };
}

/** The budget a backend name gets: tfjs-node (CPU or GPU) and the JS CPU backend use RAM; wasm its heap. */
export function budgetBackend(name: string): string {
  return name === "wasm" ? "wasm" : name === "cpu" ? "cpu" : "tensorflow";
}

const int = (v: unknown) => (typeof v === "number" && Number.isInteger(v) && v > 0 ? v : null);

/**
 * A checkpoint's config.json as a ModelShape without loading the model: Tuneloop's GPT-2 fields (nLayer, …) or a
 * Llama-family Hugging Face config (num_hidden_layers, …); null when it is neither (the trainer plans it at start).
 */
export function modelShapeFromConfigJson(raw: Record<string, unknown>): ModelShape | null {
  const [V, T, L, H, C] = [raw.vocabSize, raw.blockSize, raw.nLayer, raw.nHead, raw.nEmbd].map(int);
  if (V && T && L && H && C) return { vocabSize: V, blockSize: T, nLayer: L, nHead: H, nEmbd: C };
  const hf = {
    V: int(raw.vocab_size),
    L: int(raw.num_hidden_layers),
    H: int(raw.num_attention_heads),
    C: int(raw.hidden_size),
    I: int(raw.intermediate_size),
    T: int((raw.tuneloop as { blockSize?: unknown } | undefined)?.blockSize) ?? int(raw.max_position_embeddings),
  };
  if (!hf.V || !hf.L || !hf.H || !hf.C || !hf.I || !hf.T) return null;
  return {
    vocabSize: hf.V,
    blockSize: hf.T,
    nLayer: hf.L,
    nHead: hf.H,
    nEmbd: hf.C,
    llama: { nKvHead: int(raw.num_key_value_heads) ?? hf.H, headDim: int(raw.head_dim) ?? hf.C / hf.H, intermediateSize: hf.I, tiedHead: raw.tie_word_embeddings === true },
  };
}
