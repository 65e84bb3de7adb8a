// Llama-family Hugging Face configs and weights (references: transformers' LlamaConfig, Qwen2Config, MistralConfig and
// their modeling files): config.json ↔ ModelConfig, refusing by name what changes the computation and is not
// implemented; weights between HF's layout (Linear [out, in]) and the model's ([in, out]).
import * as tf from "@tensorflow/tfjs";
import { LLAMA_ARCHITECTURES, modelConfigSchema, type LlamaOptions, type ModelConfig } from "./config";

type Json = Record<string, unknown>;
const MODEL_TYPE: Record<LlamaOptions["architecture"], string> = { LlamaForCausalLM: "llama", Qwen2ForCausalLM: "qwen2", MistralForCausalLM: "mistral" };
/** The longest context trained or generated at once (the config schema's bound); longer models are cut to it. */
export const MAX_CONTEXT = 4096;

export function isLlamaFamily(hf: Json): boolean {
  const arch: unknown = Array.isArray(hf.architectures) ? (hf.architectures as unknown[])[0] : undefined;
  return (LLAMA_ARCHITECTURES as readonly unknown[]).includes(arch) || Object.values(MODEL_TYPE).includes(String(hf.model_type));
}

/** Reads a Llama/Qwen2/Mistral config.json; every refusal names the field. `file` is used in messages. */
export function llamaConfigFromHf(hf: Json, file: string, blockSize?: number): ModelConfig {
  const fail = (msg: string): never => {
    throw new Error(`${file}: ${msg}`);
  };
  const archs = hf.architectures;
  if (!Array.isArray(archs) || archs.length !== 1) fail(`architectures must name one of ${LLAMA_ARCHITECTURES.join(", ")} (found ${JSON.stringify(archs)})`);
  const architecture = (archs as unknown[])[0] as LlamaOptions["architecture"];
  if (!LLAMA_ARCHITECTURES.includes(architecture)) fail(`architectures ${JSON.stringify(architecture)} is not supported (${LLAMA_ARCHITECTURES.join(", ")}, or GPT2LMHeadModel)`);
  if (hf.model_type !== undefined && hf.model_type !== MODEL_TYPE[architecture]) fail(`model_type ${JSON.stringify(hf.model_type)} does not match ${architecture} ("${MODEL_TYPE[architecture]}")`);
  const num = (field: string, dflt?: number): number => {
    const v = hf[field] ?? dflt;
    if (typeof v !== "number" || !Number.isFinite(v)) return fail(`${field} must be a number (found ${JSON.stringify(hf[field])})`);
    return v;
  };
  // What changes the computation and is not implemented: refused by name.
  if ((hf.hidden_act ?? "silu") !== "silu") fail(`hidden_act ${JSON.stringify(hf.hidden_act)} is not supported (silu)`);
  if (hf.quantization_config) fail(`quantization_config is not supported (F32, F16 or BF16 weights only)`);
  for (const f of ["attention_dropout", "hidden_dropout", "resid_pdrop", "embd_pdrop"]) if (hf[f] !== undefined && hf[f] !== 0) fail(`${f} ${JSON.stringify(hf[f])} is not supported (no dropout: 0)`);
  if (hf.partial_rotary_factor !== undefined && hf.partial_rotary_factor !== 1) fail(`partial_rotary_factor ${JSON.stringify(hf.partial_rotary_factor)} is not supported (1)`);
  if (hf.pretraining_tp !== undefined && hf.pretraining_tp !== 1) fail(`pretraining_tp ${JSON.stringify(hf.pretraining_tp)} is not supported (1)`);
  // transformers 5 keeps RoPE settings in rope_parameters; 4.x in rope_theta and rope_scaling.
  const ropeParams = (hf.rope_parameters ?? null) as Json | null;
  const ropeTheta = ropeParams?.rope_theta !== undefined ? Number(ropeParams.rope_theta) : num("rope_theta", 10000);
  const scaling = (ropeParams ?? hf.rope_scaling ?? null) as Json | null;
  const scalingField = ropeParams ? "rope_parameters" : "rope_scaling";
  let ropeScaling: LlamaOptions["ropeScaling"] = null;
  if (scaling) {
    const type = scaling.rope_type ?? scaling.type ?? "default";
    const n = (k: string) => {
      const v = scaling[k];
      return typeof v === "number" && v > 0 ? v : fail(`${scalingField}.${k} must be a positive number for rope_type ${JSON.stringify(type)} (found ${JSON.stringify(v)})`);
    };
    if (type === "linear") ropeScaling = { type: "linear", factor: n("factor") };
    else if (type === "llama3") ropeScaling = { type: "llama3", factor: n("factor"), lowFreqFactor: n("low_freq_factor"), highFreqFactor: n("high_freq_factor"), originalMaxPositions: n("original_max_position_embeddings") };
    else if (type !== "default") fail(`${scalingField}.rope_type ${JSON.stringify(type)} is not supported (default, linear, llama3)`);
  }
  const C = num("hidden_size");
  const nHead = num("num_attention_heads");
  const headDim = hf.head_dim === undefined || hf.head_dim === null ? C / nHead : num("head_dim");
  const maxPos = num("max_position_embeddings");
  // Sliding-window attention: the context is cut to the window, inside which it changes nothing.
  const window = architecture === "MistralForCausalLM" ? hf.sliding_window : architecture === "Qwen2ForCausalLM" && hf.use_sliding_window ? hf.sliding_window : null;
  if (window !== null && window !== undefined && (typeof window !== "number" || window < 8)) fail(`sliding_window ${JSON.stringify(window)} is not supported (null, or a window of at least 8)`);
  if (Array.isArray(hf.layer_types) && hf.layer_types.some((t) => t !== "full_attention") && typeof window !== "number") fail(`layer_types ${JSON.stringify(hf.layer_types)} is not supported (full_attention only)`);
  const qkvBias = architecture === "Qwen2ForCausalLM" ? true : Boolean(hf.attention_bias ?? false);
  const cfg = {
    vocabSize: num("vocab_size"),
    blockSize: Math.min(blockSize ?? MAX_CONTEXT, maxPos, MAX_CONTEXT, typeof window === "number" ? window : Infinity),
    nLayer: num("num_hidden_layers"),
    nHead,
    nEmbd: C,
    tokenizer: "hf",
    llama: {
      architecture,
      nKvHead: num("num_key_value_heads", nHead),
      headDim,
      intermediateSize: num("intermediate_size"),
      ropeTheta,
      ropeScaling,
      rmsNormEps: num("rms_norm_eps", 1e-6),
      qkvBias,
      oBias: architecture === "LlamaForCausalLM" && qkvBias,
      mlpBias: architecture === "LlamaForCausalLM" && Boolean(hf.mlp_bias ?? false),
      tiedHead: Boolean(hf.tie_word_embeddings ?? false),
    },
  };
  const parsed = modelConfigSchema.safeParse(cfg);
  if (!parsed.success) fail(parsed.error.issues.map((i) => `${i.path.join(".") || "config"}: ${i.message}`).join("; "));
  return parsed.data!;
}

/** config.json for a Llama-family checkpoint: what transformers reads, plus `tuneloop` (context used and run meta). */
export function hfConfigOf(cfg: ModelConfig, base: Json, meta: Json): Json {
  const o = cfg.llama!;
  const rope = o.ropeScaling?.type === "linear" ? { rope_type: "linear", factor: o.ropeScaling.factor } : o.ropeScaling?.type === "llama3" ? { rope_type: "llama3", factor: o.ropeScaling.factor, low_freq_factor: o.ropeScaling.lowFreqFactor, high_freq_factor: o.ropeScaling.highFreqFactor, original_max_position_embeddings: o.ropeScaling.originalMaxPositions } : null;
  const own: Json = {
    architectures: [o.architecture],
    model_type: MODEL_TYPE[o.architecture],
    vocab_size: cfg.vocabSize,
    hidden_size: cfg.nEmbd,
    intermediate_size: o.intermediateSize,
    num_hidden_layers: cfg.nLayer,
    num_attention_heads: cfg.nHead,
    num_key_value_heads: o.nKvHead,
    head_dim: o.headDim,
    hidden_act: "silu",
    rms_norm_eps: o.rmsNormEps,
    rope_theta: o.ropeTheta,
    rope_scaling: rope,
    tie_word_embeddings: o.tiedHead,
    torch_dtype: "float32",
    ...(o.architecture === "LlamaForCausalLM" ? { attention_bias: o.qkvBias, mlp_bias: o.mlpBias } : {}),
  };
  // Keys of the imported config this code does not set (token ids, max_position_embeddings, sliding_window, …) stay.
  const { tuneloop: _old, rope_parameters: _rp, ...rest } = base;
  void _old;
  void _rp;
  return { ...rest, ...own, max_position_embeddings: base.max_position_embeddings ?? cfg.blockSize, tuneloop: { blockSize: cfg.blockSize, ...meta } };
}

/**
 * HF stores Linear weights [out, in]; the model holds them [in, out]. Embeddings and norms are the same in both. A
 * reward model's head `score.weight` is a Linear too ([1, C] in HF's sequence-classification models).
 */
export const isLinearWeight = (name: string) => /_proj\.weight$|^lm_head\.weight$|^score\.weight$/.test(name);

/** Model tensor from HF data: Linear weights transposed. */
export function fromHfTensor(name: string, data: Float32Array, shape: number[]): tf.Tensor {
  return isLinearWeight(name) ? tf.tidy(() => tf.tensor(data, shape).transpose()) : tf.tensor(data, shape);
}

/** HF layout of a model tensor: Linear weights transposed back. */
export function toHfTensor(name: string, t: tf.Tensor): { shape: number[]; data: Float32Array } {
  if (!isLinearWeight(name)) return { shape: t.shape, data: t.dataSync() as Float32Array };
  const tr = tf.tidy(() => t.transpose());
  const out = { shape: tr.shape as number[], data: tr.dataSync() as Float32Array };
  tr.dispose();
  return out;
}

/** Tensors HF files may hold that are not weights: rotary caches of older checkpoints. */
export const NOT_LLAMA_WEIGHTS = /\.rotary_emb\.inv_freq$/;
