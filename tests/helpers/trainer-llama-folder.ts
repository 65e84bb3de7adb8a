// Writes tiny random Llama / Qwen2 / Mistral Hugging Face folders (config.json, model.safetensors or shards with
// model.safetensors.index.json, a byte-level BPE tokenizer.json with ChatML specials, tokenizer_config.json with a
// ChatML chat template), as transformers would save them: Linear weights [out, in], a tied head not stored.
import fs from "node:fs";
import path from "node:path";
import { bytesToUnicode } from "@/trainer/tokenizer";
import { encode, representable, type HfWeights } from "./trainer-hf-folder";

export type LlamaFamily = "llama" | "qwen2" | "mistral";
export type LlamaFolderOptions = {
  family: LlamaFamily;
  hidden: number;
  heads: number;
  kvHeads: number;
  layers: number;
  intermediate: number;
  maxPositions: number;
  tied: boolean;
  dtype: "F32" | "F16" | "BF16";
  seed: number;
  /** split the weights over this many shards with an index (default one model.safetensors) */
  shards?: number;
  /** extra config.json keys (rope_scaling, attention_bias, sliding_window, …) */
  config?: Record<string, unknown>;
  /** omit the chat template (the plain template applies) */
  noTemplate?: boolean;
};

const MERGES = ["h e", "l l", "he ll", "hell o", "Ġ w", "o r", "Ġw or", "l d"];
export const SPECIALS = ["<|endoftext|>", "<|im_start|>", "<|im_end|>"];
/** ChatML, as Qwen2.5 and SmolLM2-Instruct write it (without their default system prompts). */
export const CHATML = "{% for message in messages %}{{'<|im_start|>' + message['role'] + '\\n' + message['content'] + '<|im_end|>' + '\\n'}}{% endfor %}{% if add_generation_prompt %}{{ '<|im_start|>assistant\\n' }}{% endif %}";

/** tokenizer.json of a byte-level BPE (the 256 byte symbols, a few merges, three special tokens). */
export function tinyTokenizerJson(): Record<string, unknown> {
  const vocab: Record<string, number> = {};
  bytesToUnicode().forEach((c, b) => (vocab[c] = b));
  MERGES.forEach((m, i) => (vocab[m.replace(" ", "")] = 256 + i));
  const added = SPECIALS.map((content, i) => ({ id: 256 + MERGES.length + i, content, single_word: false, lstrip: false, rstrip: false, normalized: false, special: true }));
  return {
    version: "1.0",
    truncation: null,
    padding: null,
    added_tokens: added,
    normalizer: null,
    pre_tokenizer: {
      type: "Sequence",
      pretokenizers: [
        { type: "Split", pattern: { Regex: "(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+" }, behavior: "Isolated", invert: false },
        { type: "ByteLevel", add_prefix_space: false, trim_offsets: false, use_regex: false },
      ],
    },
    post_processor: { type: "ByteLevel", add_prefix_space: false, trim_offsets: false, use_regex: false },
    decoder: { type: "ByteLevel", add_prefix_space: false, trim_offsets: false, use_regex: false },
    model: { type: "BPE", dropout: null, unk_token: null, continuing_subword_prefix: "", end_of_word_suffix: "", fuse_unk: false, byte_fallback: false, ignore_merges: false, vocab, merges: MERGES },
  };
}
export const TINY_TOKENIZER_SIZE = 256 + MERGES.length + SPECIALS.length;

/** HF weights ([out, in] Linear layout) drawn uniformly, large enough that every path moves the logits. */
export function randomLlamaWeights(o: LlamaFolderOptions, vocab: number): HfWeights {
  let s = o.seed >>> 0;
  const uniform = () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32) * 2 - 1;
  const rand = (shape: number[], scale: number, center = 0) => ({ shape, data: representable(Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => center + scale * uniform()), o.dtype) });
  const C = o.hidden;
  const hd = (o.config?.head_dim as number | undefined) ?? C / o.heads;
  const qkvBias = o.family === "qwen2" || o.config?.attention_bias === true;
  const oBias = o.family === "llama" && o.config?.attention_bias === true;
  const mlpBias = o.family === "llama" && o.config?.mlp_bias === true;
  const w: HfWeights = { "model.embed_tokens.weight": rand([vocab, C], 0.5) };
  for (let i = 0; i < o.layers; i++) {
    const l = `model.layers.${i}`;
    const lin = (name: string, out: number, inF: number, bias: boolean, scale: number) => {
      w[`${l}.${name}.weight`] = rand([out, inF], scale);
      if (bias) w[`${l}.${name}.bias`] = rand([out], 0.2);
    };
    w[`${l}.input_layernorm.weight`] = rand([C], 0.3, 1);
    lin("self_attn.q_proj", o.heads * hd, C, qkvBias, 0.4);
    lin("self_attn.k_proj", o.kvHeads * hd, C, qkvBias, 0.4);
    lin("self_attn.v_proj", o.kvHeads * hd, C, qkvBias, 0.4);
    lin("self_attn.o_proj", C, o.heads * hd, oBias, 0.3);
    w[`${l}.post_attention_layernorm.weight`] = rand([C], 0.3, 1);
    lin("mlp.gate_proj", o.intermediate, C, mlpBias, 0.4);
    lin("mlp.up_proj", o.intermediate, C, mlpBias, 0.4);
    lin("mlp.down_proj", C, o.intermediate, mlpBias, 0.3);
  }
  w["model.norm.weight"] = rand([C], 0.3, 1);
  if (!o.tied) w["lm_head.weight"] = rand([vocab, C], 0.5);
  return w;
}

const ARCH: Record<LlamaFamily, string> = { llama: "LlamaForCausalLM", qwen2: "Qwen2ForCausalLM", mistral: "MistralForCausalLM" };

export function writeRandomLlama(dir: string, o: LlamaFolderOptions): { weights: HfWeights; vocabSize: number; config: Record<string, unknown> } {
  const V = TINY_TOKENIZER_SIZE + 6; // padded past the tokenizer, as real configs are
  const w = randomLlamaWeights(o, V);
  fs.mkdirSync(dir, { recursive: true });
  const config: Record<string, unknown> = {
    architectures: [ARCH[o.family]],
    model_type: o.family,
    vocab_size: V,
    hidden_size: o.hidden,
    intermediate_size: o.intermediate,
    num_hidden_layers: o.layers,
    num_attention_heads: o.heads,
    num_key_value_heads: o.kvHeads,
    max_position_embeddings: o.maxPositions,
    hidden_act: "silu",
    rms_norm_eps: 1e-5,
    rope_theta: 10000,
    rope_scaling: null,
    tie_word_embeddings: o.tied,
    bos_token_id: 256 + MERGES.length,
    eos_token_id: 256 + MERGES.length + 2,
    torch_dtype: { F32: "float32", F16: "float16", BF16: "bfloat16" }[o.dtype],
    ...(o.family === "mistral" ? { sliding_window: null } : {}),
    ...(o.family === "qwen2" ? { use_sliding_window: false, sliding_window: 4096, max_window_layers: o.layers } : {}),
    ...o.config,
  };
  fs.writeFileSync(path.join(dir, "config.json"), JSON.stringify(config, null, 2));
  const names = Object.keys(w);
  const n = o.shards ?? 1;
  if (n === 1) fs.writeFileSync(path.join(dir, "model.safetensors"), encode(w, o.dtype));
  else {
    const weightMap: Record<string, string> = {};
    for (let k = 0; k < n; k++) {
      const file = `model-${String(k + 1).padStart(5, "0")}-of-${String(n).padStart(5, "0")}.safetensors`;
      const part = names.filter((_, i) => i % n === k);
      part.forEach((name) => (weightMap[name] = file));
      fs.writeFileSync(path.join(dir, file), encode(Object.fromEntries(part.map((name) => [name, w[name]])), o.dtype));
    }
    fs.writeFileSync(path.join(dir, "model.safetensors.index.json"), JSON.stringify({ metadata: {}, weight_map: weightMap }, null, 2));
  }
  fs.writeFileSync(path.join(dir, "tokenizer.json"), JSON.stringify(tinyTokenizerJson()));
  const tc: Record<string, unknown> = { tokenizer_class: "Qwen2Tokenizer", bos_token: null, eos_token: "<|im_end|>", pad_token: "<|endoftext|>", add_bos_token: false };
  if (!o.noTemplate) tc.chat_template = CHATML;
  fs.writeFileSync(path.join(dir, "tokenizer_config.json"), JSON.stringify(tc, null, 2));
  return { weights: w, vocabSize: V, config };
}
