// A GPT-2-shaped decoder in TensorFlow.js ops (reference: GPT-2, Radford et al. 2019; nanoGPT's model.py):
// token + learned position embeddings, pre-norm blocks of causal self-attention and a GELU MLP, final norm, tied head.
import * as tf from "@tensorflow/tfjs";
import type { ModelConfig } from "./config";

export type Params = Record<string, tf.Variable>;

export function assert(cond: unknown, msg: string): asserts cond {
  if (!cond) throw new Error(msg);
}

/** Parameter names and shapes follow Hugging Face's GPT-2 (Conv1D weights are [in, out]), so checkpoints load elsewhere. */
export function paramShapes(cfg: ModelConfig): Record<string, number[]> {
  const { nEmbd: C, nLayer: L, vocabSize: V, blockSize: T } = cfg;
  const s: Record<string, number[]> = { "wte.weight": [V, C], "wpe.weight": [T, C] };
  for (let i = 0; i < L; i++) {
    Object.assign(s, {
      [`h.${i}.ln_1.weight`]: [C], [`h.${i}.ln_1.bias`]: [C],
      [`h.${i}.attn.c_attn.weight`]: [C, 3 * C], [`h.${i}.attn.c_attn.bias`]: [3 * C],
      [`h.${i}.attn.c_proj.weight`]: [C, C], [`h.${i}.attn.c_proj.bias`]: [C],
      [`h.${i}.ln_2.weight`]: [C], [`h.${i}.ln_2.bias`]: [C],
      [`h.${i}.mlp.c_fc.weight`]: [C, 4 * C], [`h.${i}.mlp.c_fc.bias`]: [4 * C],
      [`h.${i}.mlp.c_proj.weight`]: [4 * C, C], [`h.${i}.mlp.c_proj.bias`]: [C],
    });
  }
  return { ...s, "ln_f.weight": [C], "ln_f.bias": [C] };
}

/** Checks that weights have exactly the names and shapes the config implies. */
export function checkShapes(cfg: ModelConfig, shapes: Record<string, number[]>, where: string) {
  for (const [name, want] of Object.entries(paramShapes(cfg))) {
    const got = shapes[name];
    assert(got, `${where}: tensor ${name} is missing`);
    assert(got.join() === want.join(), `${where}: tensor ${name} has shape [${got}], config says [${want}]`);
  }
}

/** Trainable variables from tensors, which it disposes (a variable keeps its own reference to the data). */
export function toVariables(tensors: Record<string, tf.Tensor>): Params {
  const vars = Object.fromEntries(Object.entries(tensors).map(([k, v]) => [k, tf.variable(v, true, `${k.replace(/\./g, "_")}_${Math.random().toString(36).slice(2, 7)}`)]));
  tf.dispose(Object.values(tensors));
  return vars;
}

export function initParams(cfg: ModelConfig, seed: number): Params {
  let s = seed;
  // GPT-2: std 0.02, residual projections scaled by 1/sqrt(2L); norms start at identity, biases at zero.
  const proj = 0.02 / Math.sqrt(2 * cfg.nLayer);
  const init = (name: string, shape: number[]) => {
    if (/ln_\w+\.weight$/.test(name)) return tf.ones(shape);
    if (name.endsWith(".bias")) return tf.zeros(shape);
    const std = name === "wpe.weight" ? 0.01 : name.endsWith("c_proj.weight") ? proj : 0.02;
    return tf.randomNormal(shape, 0, std, "float32", s++);
  };
  return toVariables(Object.fromEntries(Object.entries(paramShapes(cfg)).map(([k, shape]) => [k, init(k, shape)])));
}

/** Swaps the last two axes with an explicit transpose. */
function swapLast(x: tf.Tensor): tf.Tensor {
  const r = x.rank;
  return x.transpose([...Array.from({ length: r - 2 }, (_, i) => i), r - 1, r - 2]);
}

/**
 * a @ b whose gradient uses explicit transposes and plain matMuls: tfjs's own gradient calls matMul with transposeA/B,
 * which the wasm backend runs about 10× slower than a transpose followed by a plain matMul.
 */
export const matMul = tf.customGrad((...args: Array<tf.Tensor | tf.GradSaveFunc>) => {
  const [a, b, save] = args as [tf.Tensor, tf.Tensor, tf.GradSaveFunc];
  save([a, b]);
  return { value: tf.matMul(a, b), gradFunc: (dy: tf.Tensor, [sa, sb]: tf.Tensor[]) => [tf.matMul(dy, swapLast(sb)), tf.matMul(swapLast(sa), dy)] };
}) as (a: tf.Tensor, b: tf.Tensor) => tf.Tensor;

/** a [N·m, k] split into N [m, k] pieces, times b [N·k, n] split into N [k, n] pieces: N 2-D products, stacked. */
function productsOf(a: tf.Tensor, b: tf.Tensor, batch: number, m: number, k: number, n: number): tf.Tensor {
  // split + reshape: cheap with this project's wasm Slice/SplitV (trainer/wasm-kernels.ts).
  const as = tf.split(a.reshape([batch * m, k]), batch, 0);
  const bs = tf.split(b.reshape([batch * k, n]), batch, 0);
  return tf.stack(as.map((ai, i) => tf.matMul(ai, bs[i])));
}

/**
 * a [..., m, k] @ b [..., k, n] over equal leading axes. The wasm backend sends only 2-D products through XNNPACK
 * (batched ones run a scalar loop at about 2 GFLOP/s, a tenth of its 2-D rate), so there the batch is cut into
 * 2-D matMuls, forward and backward alike, with one transpose of each whole operand for the gradient; the other
 * backends take the batched op as is.
 */
const splitBatchMatMul = tf.customGrad((...args: Array<tf.Tensor | tf.GradSaveFunc>) => {
  const [a, b, save] = args as [tf.Tensor, tf.Tensor, tf.GradSaveFunc];
  save([a, b]);
  const lead = a.shape.slice(0, -2);
  const [m, k] = a.shape.slice(-2) as [number, number];
  const n = b.shape[b.rank - 1]!;
  const batch = a.size / (m * k);
  return {
    value: productsOf(a, b, batch, m, k, n).reshape([...lead, m, n]),
    // dA = dY·Bᵀ, dB = Aᵀ·dY, each batch item apart
    gradFunc: (dy: tf.Tensor, [sa, sb]: tf.Tensor[]) => [
      productsOf(dy, swapLast(sb), batch, m, n, k).reshape(sa.shape),
      productsOf(swapLast(sa), dy, batch, k, m, n).reshape(sb.shape),
    ],
  };
}) as (a: tf.Tensor, b: tf.Tensor) => tf.Tensor;

/**
 * Below this many rows per product (a decoding step has one), the 2-D products are too small to pay for their
 * XNNPACK set-up: generating 64 tokens for 8 prompts with `small` took 2.0–2.7 s split against 1.3–1.6 s batched.
 */
const SPLIT_MIN_ROWS = 16;

function batchMatMul(a: tf.Tensor, b: tf.Tensor): tf.Tensor {
  return tf.getBackend() === "wasm" && a.shape[a.rank - 2]! >= SPLIT_MIN_ROWS ? splitBatchMatMul(a, b) : matMul(a, b);
}

function layerNorm(x: tf.Tensor, w: tf.Tensor, b: tf.Tensor): tf.Tensor {
  const { mean, variance } = tf.moments(x, -1, true);
  return x.sub(mean).mul(variance.add(1e-5).rsqrt()).mul(w).add(b);
}

/**
 * GPT-2's tanh approximation of GELU ("gelu_new"): 0.5·x·(1 + tanh(u)), u = √(2/π)·(x + 0.044715·x³), computed as
 * x·σ(2u) (the same function: 0.5·(1 + tanh(u)) = σ(2u)) because wasm's sigmoid is vectorized and its tanh is not.
 * The derivative is written out, so the backward pass is a few element-wise ops instead of the tape of every op.
 */
const gelu = tf.customGrad((...args: Array<tf.Tensor | tf.GradSaveFunc>) => {
  const [x, save] = args as [tf.Tensor, tf.GradSaveFunc];
  const c = Math.sqrt(2 / Math.PI);
  const s = tf.tidy(() => x.square().mul(0.044715).add(1).mul(x).mul(2 * c).sigmoid());
  save([x, s]);
  return {
    value: x.mul(s),
    // d/dx = σ(2u) + x·σ(2u)·(1 − σ(2u))·2√(2/π)·(1 + 3·0.044715·x²)
    gradFunc: (dy: tf.Tensor, [sx, ss]: tf.Tensor[]) => dy.mul(ss.add(sx.mul(ss).mul(ss.neg().add(1)).mul(sx.square().mul(3 * 0.044715 * 2 * c).add(2 * c)))),
  };
}) as (x: tf.Tensor) => tf.Tensor;

/** x [.., in] @ w [in, out] + b on a 2-D view. */
function linear(x: tf.Tensor, w: tf.Tensor, b: tf.Tensor): tf.Tensor {
  const shape = x.shape;
  const out = affine(x.reshape([-1, shape[shape.length - 1]]), w, b);
  return out.reshape([...shape.slice(0, -1), w.shape[1]!]);
}

/**
 * x [N, in] @ w + b with its gradient written out: the bias gradient (dy summed over the rows) as the product
 * 1ᵀ·dy, which XNNPACK runs at matMul speed, where a Sum over the first axis costs wasm a transpose and a scalar loop.
 */
const affine = tf.customGrad((...args: Array<tf.Tensor | tf.GradSaveFunc>) => {
  const [x, w, b, save] = args as [tf.Tensor, tf.Tensor, tf.Tensor, tf.GradSaveFunc];
  save([x, w]);
  return {
    value: tf.matMul(x, w).add(b),
    gradFunc: (dy: tf.Tensor, [sx, sw]: tf.Tensor[]) => [tf.matMul(dy, swapLast(sw)), tf.matMul(swapLast(sx), dy), tf.matMul(tf.ones([1, dy.shape[0]!]), dy).reshape([dy.shape[1]!])],
  };
}) as (x: tf.Tensor, w: tf.Tensor, b: tf.Tensor) => tf.Tensor;

/** Keys and values of earlier positions, per layer: [B, nHead, Tpast, headDim]. */
export type KVCache = { k: tf.Tensor[]; v: tf.Tensor[] };

export type DecodeOptions = {
  /** position of each token [B, T] int32; default 0..T−1 (past length + t with a cache) */
  positions?: tf.Tensor2D;
  /** additive attention bias [B, 1, T, Tpast + T] (0 allowed, −1e9 masked); default causal */
  bias?: tf.Tensor;
  past?: KVCache;
  /** compute logits for the last position only: [B, 1, V] */
  lastOnly?: boolean;
};

/** idx [B, T] int32 → logits [B, T, V] and this call's keys/values appended to the past. Call inside tf.tidy. */
export function decode(p: Params, cfg: ModelConfig, idx: tf.Tensor2D, o: DecodeOptions = {}): { logits: tf.Tensor3D; present: KVCache } {
  const [B, T] = idx.shape;
  const past = o.past?.k[0]?.shape[2] ?? 0;
  assert(past + T <= cfg.blockSize, `sequence ${past + T} > blockSize ${cfg.blockSize}`);
  const C = cfg.nEmbd;
  const nh = cfg.nHead;
  const hs = C / nh;
  const tok = tf.gather(p["wte.weight"], idx.flatten()).reshape([B, T, C]); // [B, T, C]
  const pos = o.positions ? tf.gather(p["wpe.weight"], o.positions.flatten()).reshape([B, T, C]) : p["wpe.weight"].slice([past, 0], [T, C]); // [B|1, T, C]
  let x: tf.Tensor = tok.add(pos);
  // Causal mask: −1e9 where key > query. [T, past + T]
  const bias = o.bias ?? tf.linalg.bandPart(tf.ones([T, past + T]), -1, past).sub(1).mul(1e9);
  const present: KVCache = { k: [], v: [] };
  for (let i = 0; i < cfg.nLayer; i++) {
    const h = (n: string) => p[`h.${i}.${n}`];
    const a = layerNorm(x, h("ln_1.weight"), h("ln_1.bias"));
    const qkv = linear(a, h("attn.c_attn.weight"), h("attn.c_attn.bias")); // [B, T, 3C]
    let [q, k, v] = tf.split(qkv, 3, -1).map((t) => t.reshape([B, T, nh, hs]).transpose([0, 2, 1, 3])); // [B, nh, T, hs]
    if (o.past) [k, v] = [tf.concat([o.past.k[i], k], 2), tf.concat([o.past.v[i], v], 2)]; // [B, nh, past + T, hs]
    present.k.push(k);
    present.v.push(v);
    // The 1/√hs scale goes on q (T·hs numbers) rather than on the scores (T·T of them).
    const att = batchMatMul(q.mul(1 / Math.sqrt(hs)), swapLast(k)).add(bias).softmax(); // [B, nh, T, past + T]
    const y = batchMatMul(att, v).transpose([0, 2, 1, 3]).reshape([B, T, C]); // [B, T, C]
    x = x.add(linear(y, h("attn.c_proj.weight"), h("attn.c_proj.bias")));
    const m = layerNorm(x, h("ln_2.weight"), h("ln_2.bias"));
    x = x.add(linear(gelu(linear(m, h("mlp.c_fc.weight"), h("mlp.c_fc.bias"))), h("mlp.c_proj.weight"), h("mlp.c_proj.bias")));
  }
  const Tout = o.lastOnly ? 1 : T;
  if (o.lastOnly) x = x.slice([0, T - 1, 0], [B, 1, C]);
  x = layerNorm(x, p["ln_f.weight"], p["ln_f.bias"]);
  // Tied head: logits = x @ wteᵀ, with the transpose made explicit.
  const logits = matMul(x.reshape([B * Tout, C]), p["wte.weight"].transpose()); // [B*T, V]
  return { logits: logits.reshape([B, Tout, cfg.vocabSize]) as tf.Tensor3D, present };
}

/** idx [B, T] int32 → logits [B, T, V]. Call inside tf.tidy. */
export function forward(p: Params, cfg: ModelConfig, idx: tf.Tensor2D): tf.Tensor3D {
  return decode(p, cfg, idx).logits;
}

/** Per-token log-probabilities of `targets` [B, T] under logits [B, T, V] → [B, T]. */
export function tokenLogProbs(logits: tf.Tensor3D, targets: tf.Tensor2D, vocabSize: number): tf.Tensor2D {
  const logp = tf.logSoftmax(logits, -1);
  return logp.mul(tf.oneHot(targets, vocabSize)).sum(-1) as tf.Tensor2D;
}
