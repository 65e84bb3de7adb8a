// The transformer's building blocks in TensorFlow.js ops, with gradients written out where the wasm backend needs them:
// matMul, batched matMul, affine (x·W + b), GPT-2's GELU, LayerNorm and RMSNorm, SiLU, rotary position embeddings.
// References: GPT-2 (Radford et al. 2019), RoFormer (Su et al. 2021), Llama (Touvron et al. 2023), transformers' modeling_llama.py.
import * as tf from "@tensorflow/tfjs";
import type { LlamaOptions } from "./config";

/** Swaps the last two axes with an explicit transpose. */
export function swapLast(x: tf.Tensor): tf.Tensor {
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
  const n = b.shape[b.rank - 1];
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

export function batchMatMul(a: tf.Tensor, b: tf.Tensor): tf.Tensor {
  return tf.getBackend() === "wasm" && a.shape[a.rank - 2] >= SPLIT_MIN_ROWS ? splitBatchMatMul(a, b) : matMul(a, b);
}

export function layerNorm(x: tf.Tensor, w: tf.Tensor, b: tf.Tensor): tf.Tensor {
  const { mean, variance } = tf.moments(x, -1, true);
  return x.sub(mean).mul(variance.add(1e-5).rsqrt()).mul(w).add(b);
}

/** RMSNorm (Zhang & Sennrich 2019; Llama): x / √(mean(x²) + ε) · w over the last axis. */
export function rmsNorm(x: tf.Tensor, w: tf.Tensor, eps: number): tf.Tensor {
  return x.mul(x.square().mean(-1, true).add(eps).rsqrt()).mul(w);
}

/**
 * GPT-2's tanh approximation of GELU ("gelu_new"): 0.5·x·(1 + tanh(u)), u = √(2/π)·(x + 0.044715·x³), computed as
 * x·σ(2u) (the same function: 0.5·(1 + tanh(u)) = σ(2u)) because wasm's sigmoid is vectorized and its tanh is not.
 * The derivative is written out, so the backward pass is a few element-wise ops instead of the tape of every op.
 */
export const gelu = tf.customGrad((...args: Array<tf.Tensor | tf.GradSaveFunc>) => {
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

/** SiLU (swish): x·σ(x), derivative σ(x)·(1 + x·(1 − σ(x))) written out. */
export const silu = tf.customGrad((...args: Array<tf.Tensor | tf.GradSaveFunc>) => {
  const [x, save] = args as [tf.Tensor, tf.GradSaveFunc];
  const s = tf.tidy(() => x.sigmoid());
  save([x, s]);
  return { value: x.mul(s), gradFunc: (dy: tf.Tensor, [sx, ss]: tf.Tensor[]) => dy.mul(ss.mul(sx.mul(ss.neg().add(1)).add(1))) };
}) as (x: tf.Tensor) => tf.Tensor;

/**
 * x [N, in] @ w + b with its gradient written out: the bias gradient (dy summed over the rows) as the product
 * 1ᵀ·dy, which XNNPACK runs at matMul speed, where a Sum over the first axis costs wasm a transpose and a scalar loop.
 */
const affine = tf.customGrad((...args: Array<tf.Tensor | tf.GradSaveFunc>) => {
  const [x, w, b, save] = args as [tf.Tensor, tf.Tensor, tf.Tensor, tf.GradSaveFunc];
  save([x, w]);
  return {
    value: tf.matMul(x, w).add(b),
    gradFunc: (dy: tf.Tensor, [sx, sw]: tf.Tensor[]) => [tf.matMul(dy, swapLast(sw)), tf.matMul(swapLast(sx), dy), tf.matMul(tf.ones([1, dy.shape[0]]), dy).reshape([dy.shape[1]!])],
  };
}) as (x: tf.Tensor, w: tf.Tensor, b: tf.Tensor) => tf.Tensor;

/** x [.., in] @ w [in, out] (+ b [out]) on a 2-D view. */
export function linear(x: tf.Tensor, w: tf.Tensor, b?: tf.Tensor): tf.Tensor {
  const shape = x.shape;
  const flat = x.reshape([-1, shape[shape.length - 1]]);
  const out = b ? affine(flat, w, b) : matMul(flat, w);
  return out.reshape([...shape.slice(0, -1), w.shape[1]!]);
}

/**
 * RoPE inverse frequencies θ^(−2i/d), i < d/2, with the config's scaling (transformers' _compute_default_rope_parameters,
 * _compute_linear_scaling_rope_parameters and _compute_llama3_parameters), in float64 then rounded once to float32.
 */
export function ropeInvFreq(o: LlamaOptions): Float32Array {
  const d = o.headDim;
  const inv = Array.from({ length: d / 2 }, (_, i) => 1 / o.ropeTheta ** ((2 * i) / d));
  const s = o.ropeScaling;
  if (!s) return Float32Array.from(inv);
  if (s.type === "linear") return Float32Array.from(inv, (f) => f / s.factor);
  const lowWavelen = s.originalMaxPositions / s.lowFreqFactor;
  const highWavelen = s.originalMaxPositions / s.highFreqFactor;
  return Float32Array.from(inv, (f) => {
    const wavelen = (2 * Math.PI) / f;
    if (wavelen < highWavelen) return f; // high frequencies: unchanged
    if (wavelen > lowWavelen) return f / s.factor; // low frequencies: scaled
    const smooth = (s.originalMaxPositions / wavelen - s.lowFreqFactor) / (s.highFreqFactor - s.lowFreqFactor);
    return (1 - smooth) * (f / s.factor) + smooth * f;
  });
}

/** cos and sin of position·invFreq, each half repeated (HF's cat(freqs, freqs)): [B|1, 1, T, headDim]. */
export function ropeTables(invFreq: Float32Array, positions: tf.Tensor2D): { cos: tf.Tensor; sin: tf.Tensor } {
  const freqs = positions.cast("float32").expandDims(-1).mul(tf.tensor1d(invFreq)); // [B, T, d/2]
  const emb = tf.concat([freqs, freqs], -1).expandDims(1); // [B, 1, T, d]
  return { cos: emb.cos(), sin: emb.sin() };
}

/** x·cos + rotate_half(x)·sin, rotate_half(x) = [−x₂, x₁] for the two halves of the last axis. x [B, h, T, d]. */
export function applyRope(x: tf.Tensor, cos: tf.Tensor, sin: tf.Tensor): tf.Tensor {
  const [x1, x2] = tf.split(x, 2, -1);
  return x.mul(cos).add(tf.concat([x2.neg(), x1], -1).mul(sin));
}

/**
 * The right operand of a product with a long-lived frozen weight. wasm's matMul hands its right operand to XNNPACK,
 * which packs a copy of it and keeps that copy for as long as the tensor lives: for a frozen weight, the life of the
 * process (SmolLM2-135M's projections: 0.43 GB beside the weights themselves). On wasm this is a fresh copy, whose
 * packed copy goes when it is disposed (the end of the caller's tidy); other backends take the weight as it is.
 */
export function transientOperand(w: tf.Tensor): tf.Tensor {
  return tf.getBackend() === "wasm" ? w.clone() : w;
}

/**
 * x [.., in] @ w [in, out] (+ b) for a frozen w (LoRA's base weights): the gradient reaches x only (dx = dy·wᵀ), so
 * the backward pass skips the weight gradient that a trainable w would cost (another matMul of the forward's size).
 * w must outlive the backward pass (a variable, or a kept tensor): it is not saved, because saving clones a tensor
 * (a copy of every frozen weight per pass on wasm).
 */
export function frozenLinear(x: tf.Tensor, w: tf.Tensor, b?: tf.Tensor): tf.Tensor {
  const shape = x.shape;
  const f = tf.customGrad((...args: Array<tf.Tensor | tf.GradSaveFunc>) => {
    const [flat] = args as [tf.Tensor, tf.GradSaveFunc];
    // y = x·w through a transient copy of w (wasm would otherwise keep a packed copy of every frozen weight).
    const y = tf.matMul(flat, transientOperand(w));
    // dx = dy·wᵀ computed as (w·dyᵀ)ᵀ: w as the left operand is not packed; dyᵀ is the size of the activations.
    return { value: b ? y.add(b) : y, gradFunc: (dy: tf.Tensor) => [tf.matMul(w, dy.transpose()).transpose()] };
  }) as (x: tf.Tensor) => tf.Tensor;
  return f(x.reshape([-1, shape[shape.length - 1]])).reshape([...shape.slice(0, -1), w.shape[1]!]);
}

/**
 * Gradient checkpointing (Chen et al. 2016): f(...inputs, ...consts) whose intermediates are dropped after the forward
 * pass and recomputed in backward, where the gradients of the inputs are taken inside one tidy (tfjs otherwise keeps
 * every intermediate gradient of a backward pass until it ends: measured, 256 tensors per Llama block). `consts`
 * (masks, rotary tables) get no gradient and are kept for the recomputation.
 */
export function checkpoint(f: (...xs: tf.Tensor[]) => tf.Tensor, inputs: tf.Tensor[], consts: tf.Tensor[]): tf.Tensor {
  const n = inputs.length;
  const g = tf.customGrad((...args: Array<tf.Tensor | tf.GradSaveFunc>) => {
    const save = args[n] as tf.GradSaveFunc;
    const xs = args.slice(0, n) as tf.Tensor[];
    save([...xs, ...consts]);
    return {
      value: tf.tidy(() => f(...xs, ...consts)),
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        // This runs inside the outer backward pass, whose tape the nested gradient would otherwise clear at its end.
        const state = tf.engine().state;
        const outer = state.activeTape;
        try {
          return tf.tidy(() => tf.grads((...a: tf.Tensor[]) => f(...a, ...saved.slice(n)))(saved.slice(0, n), dy));
        } finally {
          state.activeTape = outer;
        }
      },
    };
  }) as (...xs: tf.Tensor[]) => tf.Tensor;
  return g(...inputs);
}
