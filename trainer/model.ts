// A GPT-2-shaped decoder in TensorFlow.js ops (reference: GPT-2, Radford et al. 2019; nanoGPT's model.py):
// token + learned position embeddings, pre-norm blocks of causal self-attention and a GELU MLP, final norm, tied head.
import * as tf from "@tensorflow/tfjs";
import type { ModelConfig } from "./config";

export type Params = Record<string, tf.Variable>;

export function assert(cond: unknown, msg: string): asserts cond {
  if (!cond) throw new Error(msg);
}

/** Parameter names follow Hugging Face's GPT-2 (Conv1D weights are [in, out]), so checkpoints load elsewhere. */
export function initParams(cfg: ModelConfig, seed: number): Params {
  const { nEmbd: C, nLayer: L, vocabSize: V, blockSize: T } = cfg;
  let s = seed;
  const normal = (shape: number[], std: number) => tf.randomNormal(shape, 0, std, "float32", s++);
  // GPT-2: std 0.02, residual projections scaled by 1/sqrt(2L).
  const proj = 0.02 / Math.sqrt(2 * L);
  const p: Record<string, tf.Tensor> = { "wte.weight": normal([V, C], 0.02), "wpe.weight": normal([T, C], 0.01) };
  for (let i = 0; i < L; i++) {
    p[`h.${i}.ln_1.weight`] = tf.ones([C]);
    p[`h.${i}.ln_1.bias`] = tf.zeros([C]);
    p[`h.${i}.attn.c_attn.weight`] = normal([C, 3 * C], 0.02);
    p[`h.${i}.attn.c_attn.bias`] = tf.zeros([3 * C]);
    p[`h.${i}.attn.c_proj.weight`] = normal([C, C], proj);
    p[`h.${i}.attn.c_proj.bias`] = tf.zeros([C]);
    p[`h.${i}.ln_2.weight`] = tf.ones([C]);
    p[`h.${i}.ln_2.bias`] = tf.zeros([C]);
    p[`h.${i}.mlp.c_fc.weight`] = normal([C, 4 * C], 0.02);
    p[`h.${i}.mlp.c_fc.bias`] = tf.zeros([4 * C]);
    p[`h.${i}.mlp.c_proj.weight`] = normal([4 * C, C], proj);
    p[`h.${i}.mlp.c_proj.bias`] = tf.zeros([C]);
  }
  p["ln_f.weight"] = tf.ones([C]);
  p["ln_f.bias"] = tf.zeros([C]);
  return Object.fromEntries(Object.entries(p).map(([k, v]) => [k, tf.variable(v, true, k.replace(/\./g, "_") + "_" + Math.random().toString(36).slice(2, 7))]));
}

function layerNorm(x: tf.Tensor, w: tf.Tensor, b: tf.Tensor): tf.Tensor {
  const { mean, variance } = tf.moments(x, -1, true);
  return x.sub(mean).div(variance.add(1e-5).sqrt()).mul(w).add(b);
}

/** GPT-2's tanh approximation of GELU. */
function gelu(x: tf.Tensor): tf.Tensor {
  const inner = x.add(x.pow(3).mul(0.044715)).mul(Math.sqrt(2 / Math.PI));
  return x.mul(0.5).mul(inner.tanh().add(1));
}

/** x [.., in] @ w [in, out] as a plain matMul on a 2-D view (no transposed paths). */
function linear(x: tf.Tensor, w: tf.Tensor, b: tf.Tensor): tf.Tensor {
  const shape = x.shape;
  const out = tf.matMul(x.reshape([-1, shape[shape.length - 1]]), w as tf.Tensor2D).add(b);
  return out.reshape([...shape.slice(0, -1), w.shape[1]!]);
}

/** idx [B, T] int32 → logits [B, T, V]. Call inside tf.tidy. */
export function forward(p: Params, cfg: ModelConfig, idx: tf.Tensor2D): tf.Tensor3D {
  const [B, T] = idx.shape;
  assert(T <= cfg.blockSize, `sequence ${T} > blockSize ${cfg.blockSize}`);
  const C = cfg.nEmbd;
  const nh = cfg.nHead;
  const hs = C / nh;
  const tok = tf.gather(p["wte.weight"], idx.flatten()).reshape([B, T, C]); // [B, T, C]
  const pos = p["wpe.weight"].slice([0, 0], [T, C]); // [T, C]
  let x: tf.Tensor = tok.add(pos);
  // Causal mask: −1e9 above the diagonal. [T, T]
  const mask = tf.linalg.bandPart(tf.ones([T, T]), -1, 0).sub(1).mul(1e9);
  for (let i = 0; i < cfg.nLayer; i++) {
    const h = (n: string) => p[`h.${i}.${n}`];
    const a = layerNorm(x, h("ln_1.weight"), h("ln_1.bias"));
    const qkv = linear(a, h("attn.c_attn.weight"), h("attn.c_attn.bias")); // [B, T, 3C]
    const [q, k, v] = tf.split(qkv, 3, -1).map((t) => t.reshape([B, T, nh, hs]).transpose([0, 2, 1, 3])); // [B, nh, T, hs]
    const att = tf.matMul(q, k.transpose([0, 1, 3, 2])).mul(1 / Math.sqrt(hs)).add(mask).softmax(); // [B, nh, T, T]
    const y = tf.matMul(att, v).transpose([0, 2, 1, 3]).reshape([B, T, C]); // [B, T, C]
    x = x.add(linear(y, h("attn.c_proj.weight"), h("attn.c_proj.bias")));
    const m = layerNorm(x, h("ln_2.weight"), h("ln_2.bias"));
    x = x.add(linear(gelu(linear(m, h("mlp.c_fc.weight"), h("mlp.c_fc.bias"))), h("mlp.c_proj.weight"), h("mlp.c_proj.bias")));
  }
  x = layerNorm(x, p["ln_f.weight"], p["ln_f.bias"]);
  // Tied head: logits = x @ wteᵀ, with the transpose made explicit.
  const logits = tf.matMul(x.reshape([B * T, C]), p["wte.weight"].transpose() as tf.Tensor2D); // [B*T, V]
  return logits.reshape([B, T, cfg.vocabSize]) as tf.Tensor3D;
}

/** Per-token log-probabilities of `targets` [B, T] under logits [B, T, V] → [B, T]. */
export function tokenLogProbs(logits: tf.Tensor3D, targets: tf.Tensor2D, vocabSize: number): tf.Tensor2D {
  const logp = tf.logSoftmax(logits, -1);
  return logp.mul(tf.oneHot(targets, vocabSize)).sum(-1) as tf.Tensor2D;
}
