// A decoder-only transformer in TensorFlow.js ops, one code path for two families (references: GPT-2, Radford et al.
// 2019, and nanoGPT's model.py; Llama, Touvron et al. 2023, and transformers' modeling_llama.py / modeling_qwen2.py):
//   GPT-2: token + learned position embeddings, LayerNorm, fused q/k/v with biases, GELU MLP, tied head.
//   Llama family (Llama, Qwen2, Mistral): rotary positions, RMSNorm, separate q/k/v/o (biases optional), grouped-query
//   attention, SwiGLU MLP, tied or untied head.
// Parameter names are Hugging Face's. GPT-2's Conv1D weights are [in, out] as HF stores them; the Llama family's
// Linear weights are held transposed as [in, out] too (HF stores [out, in]; trainer/hf-llama.ts converts at the
// boundary), so every projection is one plain matMul.
import * as tf from "@tensorflow/tfjs";
import type { ModelConfig } from "./config";
import type { FrozenHead } from "./head-loss";
import { applyRope, batchMatMul, checkpoint, frozenLinear, gelu, layerNorm, linear, matMul, rmsNorm, ropeInvFreq, ropeTables, silu, swapLast } from "./ops";

export { matMul } from "./ops";
export type Params = Record<string, tf.Variable>;

export function assert(cond: unknown, msg: string): asserts cond {
  if (!cond) throw new Error(msg);
}

/** Query heads, key/value heads and the width of one head. */
export function heads(cfg: ModelConfig) {
  return { nh: cfg.nHead, nkv: cfg.llama?.nKvHead ?? cfg.nHead, hs: cfg.llama?.headDim ?? cfg.nEmbd / cfg.nHead };
}

/** Names and shapes of every parameter (as held in memory: projection weights [in, out]). */
export function paramShapes(cfg: ModelConfig): Record<string, number[]> {
  const { nEmbd: C, nLayer: L, vocabSize: V, blockSize: T } = cfg;
  const s: Record<string, number[]> = {};
  const o = cfg.llama;
  if (!o) {
    Object.assign(s, { "wte.weight": [V, C], "wpe.weight": [T, C] });
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
  const { nh, nkv, hs } = heads(cfg);
  const I = o.intermediateSize;
  s["model.embed_tokens.weight"] = [V, C];
  for (let i = 0; i < L; i++) {
    const l = `model.layers.${i}`;
    const lin = (name: string, inF: number, outF: number, bias: boolean) => {
      s[`${l}.${name}.weight`] = [inF, outF];
      if (bias) s[`${l}.${name}.bias`] = [outF];
    };
    s[`${l}.input_layernorm.weight`] = [C];
    lin("self_attn.q_proj", C, nh * hs, o.qkvBias);
    lin("self_attn.k_proj", C, nkv * hs, o.qkvBias);
    lin("self_attn.v_proj", C, nkv * hs, o.qkvBias);
    lin("self_attn.o_proj", nh * hs, C, o.oBias);
    s[`${l}.post_attention_layernorm.weight`] = [C];
    lin("mlp.gate_proj", C, I, o.mlpBias);
    lin("mlp.up_proj", C, I, o.mlpBias);
    lin("mlp.down_proj", I, C, o.mlpBias);
  }
  s["model.norm.weight"] = [C];
  if (!o.tiedHead) s["lm_head.weight"] = [C, V];
  return s;
}

/** Checks that weights have exactly the names and shapes the config implies. */
export function checkShapes(cfg: ModelConfig, shapes: Record<string, number[]>, where: string) {
  for (const [name, want] of Object.entries(paramShapes(cfg))) {
    const got = shapes[name];
    assert(got, `${where}: tensor ${name} is missing`);
    assert(got.join() === want.join(), `${where}: tensor ${name} has shape [${got.join()}], config says [${want.join()}]`);
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
  // Llama family: std 0.02 everywhere (transformers' initializer_range), norms at identity, biases at zero.
  const proj = 0.02 / Math.sqrt(2 * cfg.nLayer);
  const init = (name: string, shape: number[]) => {
    if (/(ln_\w+|layernorm|norm)\.weight$/.test(name)) return tf.ones(shape);
    if (name.endsWith(".bias")) return tf.zeros(shape);
    const std = cfg.llama ? 0.02 : name === "wpe.weight" ? 0.01 : name.endsWith("c_proj.weight") ? proj : 0.02;
    return tf.randomNormal(shape, 0, std, "float32", s++);
  };
  return toVariables(Object.fromEntries(Object.entries(paramShapes(cfg)).map(([k, shape]) => [k, init(k, shape)])));
}

/**
 * Per embedding variable: its transpose and the data it was made from (an assign gives a variable new data). One
 * [C, V] tensor per embedding decoded from stays allocated until its weights change or the process ends (trainer and
 * generation processes are per job): a decoding step of SmolLM2 otherwise transposes 28M numbers for 0.27 GFLOP of work.
 */
const transposes = new WeakMap<tf.Variable, { dataId: object; t: tf.Tensor }>();
function transposedOf(v: tf.Variable): tf.Tensor {
  const hit = transposes.get(v);
  if (hit && hit.dataId === v.dataId && !hit.t.isDisposed) return hit.t;
  hit?.t.dispose();
  const t = tf.keep(v.transpose());
  transposes.set(v, { dataId: v.dataId, t });
  return t;
}

/** Keys and values of earlier positions, per layer: [B, nKvHead, Tpast, headDim] (after RoPE). */
export type KVCache = { k: tf.Tensor[]; v: tf.Tensor[] };

export type DecodeOptions = {
  /** position of each token [B, T] int32; default 0..T−1 (past length + t with a cache) */
  positions?: tf.Tensor2D;
  /** additive attention bias [B, 1, T, Tpast + T] (0 allowed, −1e9 masked); default causal */
  bias?: tf.Tensor;
  past?: KVCache;
  /** compute logits for the last position only: [B, 1, V] */
  lastOnly?: boolean;
  /** ignore LoRA adapters: the base model (DPO's reference) */
  adaptersOff?: boolean;
  /**
   * full fine-tuning: each block a gradient checkpoint (its inside recomputed in backward), so a pass keeps one block's
   * activations instead of every block's, for one more forward pass of compute. LoRA training always checkpoints.
   */
  recompute?: boolean;
};

/**
 * Causal self-attention over grouped heads: q [B, nh, T, hs], k and v [B, nkv, Tk, hs], bias [B|1, 1, T, Tk] or [T, Tk].
 * The rep = nh / nkv query heads that share a key/value head (HF's repeat_kv: head h uses kv head ⌊h / rep⌋) are
 * stacked along the query axis, so keys and values are never copied: scores [B, nkv, rep·T, Tk]. → [B, T, nh·hs]
 */
function attention(q: tf.Tensor, k: tf.Tensor, v: tf.Tensor, bias: tf.Tensor, nkv: number): tf.Tensor {
  const [B, nh, T, hs] = q.shape as number[];
  const rep = nh / nkv;
  const Tk = k.shape[2]!;
  // The 1/√hs scale goes on q (T·hs numbers) rather than on the scores (T·T of them).
  const qs = q.mul(1 / Math.sqrt(hs)).reshape([B, nkv, rep * T, hs]);
  let scores = batchMatMul(qs, swapLast(k)); // [B, nkv, rep·T, Tk]
  scores = rep === 1 ? scores.add(bias) : scores.reshape([B, nkv, rep, T, Tk]).add(bias.rank === 4 ? bias.expandDims(2) : bias).reshape([B, nkv, rep * T, Tk]);
  const y = batchMatMul(scores.softmax(), v); // [B, nkv, rep·T, hs]
  return y.reshape([B, nh, T, hs]).transpose([0, 2, 1, 3]).reshape([B, T, nh * hs]);
}

/** [B, T, heads·hs] → [B, heads, T, hs] */
const splitHeads = (x: tf.Tensor, B: number, T: number, n: number, hs: number) => x.reshape([B, T, n, hs]).transpose([0, 2, 1, 3]);

/** idx [B, T] int32 → logits [B, T, V] and this call's keys/values appended to the past. Call inside tf.tidy. */
export function decode(p: Params, cfg: ModelConfig, idx: tf.Tensor2D, o: DecodeOptions = {}): { logits: tf.Tensor3D; present: KVCache } {
  const { hidden, present, B, Tout } = trunk(p, cfg, idx, o);
  // Tied head: logits = x @ embedᵀ, with the transpose made explicit; an untied lm_head is held as [C, V]. Where the
  // embedding gets no gradient (a frozen LoRA base, a decoding step) the transpose is kept until the weights change.
  const ll = cfg.llama;
  const embed = p[ll ? "model.embed_tokens.weight" : "wte.weight"];
  const head = ll && !ll.tiedHead ? p["lm_head.weight"] : cfg.lora || o.lastOnly ? transposedOf(embed) : embed.transpose();
  const logits = (cfg.lora ? frozenLinear : matMul)(hidden, head); // [B*T, V]
  return { logits: logits.reshape([B, Tout, cfg.vocabSize]) as tf.Tensor3D, present };
}

/**
 * The final hidden states [B·T, C] and the output head as it is held (a tied head's embedding [V, C], or lm_head
 * [C, V]; no transpose is made), for a loss that computes the logits itself (in slices: trainer/head-loss.ts). Call
 * inside tf.tidy.
 */
export function hiddenStates(p: Params, cfg: ModelConfig, idx: tf.Tensor2D, o: DecodeOptions = {}): { hidden: tf.Tensor2D; head: FrozenHead } {
  const { hidden } = trunk(p, cfg, idx, o);
  const ll = cfg.llama;
  const head: FrozenHead = ll && !ll.tiedHead ? { cv: p["lm_head.weight"] as tf.Tensor2D } : { vc: p[ll ? "model.embed_tokens.weight" : "wte.weight"] as tf.Tensor2D };
  return { hidden, head };
}

/** Everything but the head's product: the normed last hidden states [B·Tout, C] and the keys/values. */
function trunk(p: Params, cfg: ModelConfig, idx: tf.Tensor2D, o: DecodeOptions) {
  const [B, T] = idx.shape;
  const past = o.past?.k[0]?.shape[2] ?? 0;
  assert(past + T <= cfg.blockSize, `sequence ${past + T} > blockSize ${cfg.blockSize}`);
  const C = cfg.nEmbd;
  const { nh, nkv, hs } = heads(cfg);
  const ll = cfg.llama;
  // With LoRA the base weights are frozen and each target projection adds (x·A)·B·alpha/r (Hu et al. 2021).
  const lora = cfg.lora && !o.adaptersOff ? cfg.lora : null;
  /** A parameter, or what a checkpoint's recomputation passes in its place (`ad`: adapters, or a whole block's). */
  const param = (n: string, ad?: Record<string, tf.Tensor>) => ad?.[n] ?? p[n];
  const proj = (prefix: string, name: string, x: tf.Tensor, ad?: Record<string, tf.Tensor>) => {
    const [w, b] = [param(`${prefix}.${name}.weight`, ad), param(`${prefix}.${name}.bias`, ad)];
    if (!cfg.lora) return linear(x, w, b);
    const y = frozenLinear(x, w, b);
    const [A, B] = [`${prefix}.${name}.lora_A`, `${prefix}.${name}.lora_B`].map((n) => param(n, ad));
    return lora && A ? y.add(linear(linear(x, A), B).mul(lora.alpha / lora.rank)) : y;
  };
  const embed = p[ll ? "model.embed_tokens.weight" : "wte.weight"];
  let x: tf.Tensor = tf.gather(embed, idx.flatten()).reshape([B, T, C]); // [B, T, C]
  if (!ll) x = x.add(o.positions ? tf.gather(p["wpe.weight"], o.positions.flatten()).reshape([B, T, C]) : p["wpe.weight"].slice([past, 0], [T, C])); // + [B|1, T, C]
  const rope = ll ? ropeTables(ropeInvFreq(ll), o.positions ?? (tf.range(past, past + T, 1, "int32").reshape([1, T]) as tf.Tensor2D)) : null; // [B|1, 1, T, hs]
  // Causal mask: −1e9 where key > query. [T, past + T]
  const bias = o.bias ?? tf.linalg.bandPart(tf.ones([T, past + T]), -1, past).sub(1).mul(1e9);
  const present: KVCache = { k: [], v: [] };
  /** Block i on x [B, T, C]; `ad` replaces the block's variables (the recomputation of a checkpoint). */
  const block = (i: number, xIn: tf.Tensor, ad?: Record<string, tf.Tensor>, rot = rope, mask = bias) => {
      let x = xIn;
      const h = (n: string) => param(ll ? `model.layers.${i}.${n}` : `h.${i}.${n}`, ad);
      const lin = (name: string, t: tf.Tensor) => proj(`model.layers.${i}`, name, t, ad);
      let q: tf.Tensor, k: tf.Tensor, v: tf.Tensor;
      if (!ll) {
        const a = layerNorm(x, h("ln_1.weight"), h("ln_1.bias"));
        [q, k, v] = tf.split(linear(a, h("attn.c_attn.weight"), h("attn.c_attn.bias")), 3, -1).map((t) => splitHeads(t, B, T, nh, hs)); // [B, nh, T, hs]
      } else {
        const a = rmsNorm(x, h("input_layernorm.weight"), ll.rmsNormEps);
        q = applyRope(splitHeads(lin("self_attn.q_proj", a), B, T, nh, hs), rot!.cos, rot!.sin); // [B, nh, T, hs]
        k = applyRope(splitHeads(lin("self_attn.k_proj", a), B, T, nkv, hs), rot!.cos, rot!.sin); // [B, nkv, T, hs]
        v = splitHeads(lin("self_attn.v_proj", a), B, T, nkv, hs);
      }
      if (o.past) [k, v] = [tf.concat([o.past.k[i], k], 2), tf.concat([o.past.v[i], v], 2)]; // [B, nkv, past + T, hs]
      const y = attention(q, k, v, mask, nkv); // [B, T, nh·hs]
      if (!ll) {
        x = x.add(linear(y, h("attn.c_proj.weight"), h("attn.c_proj.bias")));
        const m = layerNorm(x, h("ln_2.weight"), h("ln_2.bias"));
        x = x.add(linear(gelu(linear(m, h("mlp.c_fc.weight"), h("mlp.c_fc.bias"))), h("mlp.c_proj.weight"), h("mlp.c_proj.bias")));
      } else {
        x = x.add(lin("self_attn.o_proj", y));
        const m = rmsNorm(x, h("post_attention_layernorm.weight"), ll.rmsNormEps);
        // SwiGLU: down(silu(gate(m)) ⊙ up(m))
        x = x.add(lin("mlp.down_proj", silu(lin("mlp.gate_proj", m)).mul(lin("mlp.up_proj", m))));
      }
      return { x, k, v };
  };
  for (let i = 0; i < cfg.nLayer; i++) {
    const prefix = ll ? `model.layers.${i}.` : `h.${i}.`;
    // The variables whose gradients a checkpointed block returns: its adapters (LoRA), or all its weights (full).
    const trained = lora ? Object.keys(p).filter((n) => n.startsWith(prefix) && /\.lora_[AB]$/.test(n)) : o.recompute && !cfg.lora ? Object.keys(p).filter((n) => n.startsWith(prefix)) : [];
    if (trained.length && !o.past && !o.lastOnly) {
      // The block is a gradient checkpoint (its inputs kept, its inside recomputed in backward), so memory holds one
      // block's intermediates and gradients at a time, for about a third more compute.
      const consts = rope ? [bias, rope.cos, rope.sin] : [bias];
      const run = (xx: tf.Tensor, ...rest: tf.Tensor[]) => {
        const [mask, cos, sin] = rest.slice(trained.length);
        return block(i, xx, Object.fromEntries(trained.map((n, j) => [n, rest[j]])), rope ? { cos, sin } : null, mask).x;
      };
      x = checkpoint(run, [x, ...trained.map((n) => p[n])], consts);
      continue;
    }
    // Each block in its own tidy: what backward needs is kept by the ops that saved it, the rest of the block's
    // intermediates go at its end instead of living until the whole forward pass is done.
    const xIn = x;
    const out = tf.tidy(() => block(i, xIn));
    x = out.x;
    present.k.push(out.k);
    present.v.push(out.v);
  }
  const Tout = o.lastOnly ? 1 : T;
  if (o.lastOnly) x = x.slice([0, T - 1, 0], [B, 1, C]);
  x = ll ? rmsNorm(x, p["model.norm.weight"], ll.rmsNormEps) : layerNorm(x, p["ln_f.weight"], p["ln_f.bias"]);
  return { hidden: x.reshape([B * Tout, C]) as tf.Tensor2D, present, B, Tout };
}

/** idx [B, T] int32 → logits [B, T, V]. Call inside tf.tidy. */
export function forward(p: Params, cfg: ModelConfig, idx: tf.Tensor2D, o: { recompute?: boolean } = {}): tf.Tensor3D {
  return decode(p, cfg, idx, { recompute: o.recompute }).logits;
}

/** Per-token log-probabilities of `targets` [B, T] under logits [B, T, V] → [B, T]. */
export function tokenLogProbs(logits: tf.Tensor3D, targets: tf.Tensor2D, vocabSize: number): tf.Tensor2D {
  const logp = tf.logSoftmax(logits, -1);
  return logp.mul(tf.oneHot(targets, vocabSize)).sum(-1) as tf.Tensor2D;
}
