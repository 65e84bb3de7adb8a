// Writes a small random GPT-2-shaped Hugging Face folder (config.json, model.safetensors in F32/F16/BF16, vocab.json,
// merges.txt) with its own safetensors writer, and returns the stored weights as exact float values.
import fs from "node:fs";
import path from "node:path";
import { tinyVocab, writeTinyBpe } from "./trainer-bpe-vocab";

export type HfOptions = { nLayer: number; nHead: number; nEmbd: number; nPositions: number; dtype: "F32" | "F16" | "BF16"; prefix: boolean; seed: number };
export type HfWeights = Record<string, { shape: number[]; data: Float32Array }>;

/** float → IEEE half bits, for values that are exact in half precision (normal range). */
function halfBits(v: number): number {
  if (v === 0) return 0;
  const sign = v < 0 ? 0x8000 : 0;
  const a = Math.abs(v);
  const e = Math.floor(Math.log2(a));
  return sign | ((e + 15) << 10) | Math.round((a / 2 ** e - 1) * 1024);
}

/** Rounds values so the chosen dtype stores them exactly. */
export function representable(x: Float32Array, dtype: HfOptions["dtype"]): Float32Array {
  if (dtype === "F16") return x.map((v) => Math.round(v * 1024) / 1024);
  if (dtype === "BF16") {
    const bits = new Uint32Array(x.buffer.slice(0));
    return new Float32Array(bits.map((b) => b & 0xffff0000).buffer);
  }
  return x;
}

/** safetensors bytes with every tensor stored as `dtype` (values must be representable in it). */
export function encode(tensors: Record<string, { shape: number[]; data: Float32Array }>, dtype: HfOptions["dtype"]): Buffer {
  const header: Record<string, unknown> = { __metadata__: { format: "pt" } };
  const chunks: Buffer[] = [];
  let offset = 0;
  for (const [name, t] of Object.entries(tensors)) {
    let bytes: Buffer;
    if (dtype === "F32") bytes = Buffer.from(new Float32Array(t.data).buffer);
    else if (dtype === "F16") bytes = Buffer.from(Uint16Array.from(t.data, halfBits).buffer);
    else bytes = Buffer.from(Uint16Array.from(new Uint32Array(new Float32Array(t.data).buffer), (b) => b >>> 16).buffer);
    header[name] = { dtype, shape: t.shape, data_offsets: [offset, offset + bytes.length] };
    offset += bytes.length;
    chunks.push(bytes);
  }
  const json = Buffer.from(JSON.stringify(header));
  const len = Buffer.alloc(8);
  len.writeBigUInt64LE(BigInt(json.length));
  return Buffer.concat([len, json, ...chunks]);
}

/** GPT-2 weights (HF names, no prefix) drawn uniformly around GPT-2's init, larger so every path matters. */
export function randomGpt2Weights(o: Omit<HfOptions, "prefix">, V: number): HfWeights {
  let s = o.seed >>> 0;
  const uniform = () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32) * 2 - 1;
  const C = o.nEmbd;
  const rand = (shape: number[], scale: number, center = 0) => ({ shape, data: representable(Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => center + scale * uniform()), o.dtype) });
  const w: HfWeights = { "wte.weight": rand([V, C], 0.3), "wpe.weight": rand([o.nPositions, C], 0.1) };
  for (let i = 0; i < o.nLayer; i++) {
    Object.assign(w, {
      [`h.${i}.ln_1.weight`]: rand([C], 0.2, 1), [`h.${i}.ln_1.bias`]: rand([C], 0.1),
      [`h.${i}.attn.c_attn.weight`]: rand([C, 3 * C], 0.3), [`h.${i}.attn.c_attn.bias`]: rand([3 * C], 0.1),
      [`h.${i}.attn.c_proj.weight`]: rand([C, C], 0.2), [`h.${i}.attn.c_proj.bias`]: rand([C], 0.1),
      [`h.${i}.ln_2.weight`]: rand([C], 0.2, 1), [`h.${i}.ln_2.bias`]: rand([C], 0.1),
      [`h.${i}.mlp.c_fc.weight`]: rand([C, 4 * C], 0.3), [`h.${i}.mlp.c_fc.bias`]: rand([4 * C], 0.1),
      [`h.${i}.mlp.c_proj.weight`]: rand([4 * C, C], 0.15), [`h.${i}.mlp.c_proj.bias`]: rand([C], 0.1),
    });
  }
  return Object.assign(w, { "ln_f.weight": rand([C], 0.2, 1), "ln_f.bias": rand([C], 0.1) });
}

export function writeRandomGpt2(dir: string, o: HfOptions): { weights: HfWeights; vocabSize: number } {
  const V = Object.keys(tinyVocab()).length;
  const C = o.nEmbd;
  const w = randomGpt2Weights(o, V);
  // As transformers saves GPT2LMHeadModel: the prefix, causal-mask buffers and the tied LM head.
  const stored: HfWeights = Object.fromEntries(Object.entries(w).map(([k, v]) => [o.prefix ? `transformer.${k}` : k, v]));
  if (o.prefix) {
    const P = o.nPositions;
    for (let i = 0; i < o.nLayer; i++) stored[`transformer.h.${i}.attn.bias`] = { shape: [1, 1, P, P], data: Float32Array.from({ length: P * P }, (_, k) => (k % P <= Math.floor(k / P) ? 1 : 0)) };
    stored["lm_head.weight"] = w["wte.weight"];
  }
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, "model.safetensors"), encode(stored, o.dtype));
  const config = { model_type: "gpt2", architectures: ["GPT2LMHeadModel"], vocab_size: V, n_positions: o.nPositions, n_ctx: o.nPositions, n_embd: C, n_layer: o.nLayer, n_head: o.nHead, activation_function: "gelu_new", layer_norm_epsilon: 1e-5 };
  fs.writeFileSync(path.join(dir, "config.json"), JSON.stringify(config, null, 2));
  writeTinyBpe(dir);
  return { weights: w, vocabSize: V };
}
