// LoRA adapters (Hu et al. 2021) for the Llama family, in PEFT's format (adapter_config.json, adapter_model.safetensors
// with names base_model.model.<module>.lora_A.weight [r, in] and lora_B.weight [out, r]), so PeftModel.from_pretrained
// loads them. The model holds A as [in, r] and B as [r, out]; the update to W [in, out] is A·B·alpha/r.
import fs from "node:fs";
import path from "node:path";
import * as tf from "@tensorflow/tfjs";
import { loadCheckpoint, saveCheckpoint, type TrainingState } from "./checkpoint";
import { LLAMA_ARCHITECTURES, LORA_TARGETS, loraSchema, type LoraOptions, type ModelConfig } from "./config";
import { heads, toVariables, type Params } from "./model";
import type { Tokenizer } from "./tokenizer";
import { encodeSafetensors, readSafetensorsFile } from "./safetensors";

const MODULE: Record<(typeof LORA_TARGETS)[number], string> = { q: "self_attn.q_proj", k: "self_attn.k_proj", v: "self_attn.v_proj", o: "self_attn.o_proj", gate: "mlp.gate_proj", up: "mlp.up_proj", down: "mlp.down_proj" };

/** Adapter names and shapes as the model holds them: `<module>.lora_A` [in, r], `<module>.lora_B` [r, out]. */
export function loraShapes(cfg: ModelConfig, lora: LoraOptions): Record<string, number[]> {
  const { nh, nkv, hs } = heads(cfg);
  const C = cfg.nEmbd;
  const I = cfg.llama!.intermediateSize;
  const io: Record<string, [number, number]> = { q: [C, nh * hs], k: [C, nkv * hs], v: [C, nkv * hs], o: [nh * hs, C], gate: [C, I], up: [C, I], down: [I, C] };
  const s: Record<string, number[]> = {};
  for (let i = 0; i < cfg.nLayer; i++) {
    for (const t of lora.targets) {
      const [inF, outF] = io[t];
      s[`model.layers.${i}.${MODULE[t]}.lora_A`] = [inF, lora.rank];
      s[`model.layers.${i}.${MODULE[t]}.lora_B`] = [lora.rank, outF];
    }
  }
  return s;
}

/** PEFT's initialisation: A uniform in ±1/√in (kaiming_uniform with a = √5), B zero, so training starts at the base model. */
export function initLora(cfg: ModelConfig, lora: LoraOptions, seed: number): Params {
  let s = seed;
  return toVariables(Object.fromEntries(Object.entries(loraShapes(cfg, lora)).map(([k, shape]) => [k, k.endsWith("lora_B") ? tf.zeros(shape) : tf.randomUniform(shape, -1 / Math.sqrt(shape[0]), 1 / Math.sqrt(shape[0]), "float32", s++)])));
}

const peftName = (name: string) => `base_model.model.${name}.weight`;

/** Writes adapter_config.json and adapter_model.safetensors (PEFT names, A [r, in], B [out, r]) into dir. */
export function adapterFiles(cfg: ModelConfig, lora: LoraOptions, params: Params, base: string): Record<string, Buffer | string> {
  const tensors: Record<string, { shape: number[]; data: Float32Array }> = {};
  for (const k of Object.keys(loraShapes(cfg, lora))) {
    const t = tf.tidy(() => params[k].transpose());
    tensors[peftName(k)] = { shape: t.shape, data: t.dataSync() as Float32Array };
    t.dispose();
  }
  const config = { peft_type: "LORA", task_type: "CAUSAL_LM", base_model_name_or_path: base, r: lora.rank, lora_alpha: lora.alpha, lora_dropout: 0, target_modules: lora.targets.map((t) => MODULE[t].split(".")[1]), bias: "none", fan_in_fan_out: false, inference_mode: true, use_rslora: false };
  return { "adapter_config.json": JSON.stringify(config, null, 2), "adapter_model.safetensors": encodeSafetensors(tensors) };
}

export function saveAdapter(dir: string, cfg: ModelConfig, lora: LoraOptions, params: Params, base: string) {
  fs.mkdirSync(dir, { recursive: true });
  for (const [f, data] of Object.entries(adapterFiles(cfg, lora, params, base))) fs.writeFileSync(path.join(dir, f), data);
}

/** Reads a PEFT LoRA folder for this model; refuses (naming the file and field) what the model cannot take. */
export function loadAdapter(dir: string, cfg: ModelConfig): { lora: LoraOptions; params: Params } {
  const file = path.join(dir, "adapter_config.json");
  if (!fs.existsSync(file)) throw new Error(`${file} is missing`);
  const raw = JSON.parse(fs.readFileSync(file, "utf8")) as Record<string, unknown>;
  if (raw.peft_type !== "LORA") throw new Error(`${file}: peft_type ${JSON.stringify(raw.peft_type)} is not supported (LORA)`);
  for (const [k, ok] of [["use_rslora", false], ["use_dora", false], ["fan_in_fan_out", false]] as const) if (raw[k] !== undefined && raw[k] !== ok) throw new Error(`${file}: ${k} ${JSON.stringify(raw[k])} is not supported`);
  if (raw.bias !== undefined && raw.bias !== "none") throw new Error(`${file}: bias ${JSON.stringify(raw.bias)} is not supported (none)`);
  const short = Object.fromEntries(Object.entries(MODULE).map(([t, m]) => [m.split(".")[1], t]));
  const modules = Array.isArray(raw.target_modules) ? raw.target_modules : [];
  const parsed = loraSchema.safeParse({ rank: raw.r, alpha: raw.lora_alpha, targets: modules.map((m) => short[String(m)] ?? m) });
  if (!parsed.success) throw new Error(`${file}: ${parsed.error.issues.map((i) => `${i.path.join(".") || "config"}: ${i.message}`).join("; ")} (reads r, lora_alpha, target_modules)`);
  const lora = parsed.data;
  const weightsFile = path.join(dir, "adapter_model.safetensors");
  const stored = readSafetensorsFile(weightsFile);
  const out: Record<string, tf.Tensor> = {};
  for (const [k, shape] of Object.entries(loraShapes(cfg, lora))) {
    const t = stored[peftName(k)];
    if (!t) throw new Error(`${weightsFile}: tensor ${peftName(k)} is missing`);
    if (t.shape.join() !== [...shape].reverse().join()) throw new Error(`${weightsFile}: tensor ${peftName(k)} has shape [${t.shape.join()}], the model needs [${[...shape].reverse().join()}]`);
    out[k] = tf.tidy(() => tf.tensor(t.data, t.shape).transpose());
  }
  return { lora, params: toVariables(out) };
}

/**
 * The merged model's weights: W + A·B·alpha/r for each adapted projection (base tensors are not changed), and any
 * other trained tensor beside the adapters (a reward model's score.weight, PEFT's modules_to_save) as it is.
 */
export function mergeLora(cfg: ModelConfig, lora: LoraOptions, base: Params, adapters: Params): Record<string, tf.Tensor> {
  const merged: Record<string, tf.Tensor> = {};
  for (const [k, v] of Object.entries(base)) {
    const A = adapters[k.replace(/\.weight$/, ".lora_A")];
    merged[k] = A ? tf.tidy(() => v.add(tf.matMul(A, adapters[k.replace(/\.weight$/, ".lora_B")]).mul(lora.alpha / lora.rank))) : v.clone();
  }
  for (const [k, v] of Object.entries(adapters)) if (!/\.lora_[AB]$/.test(k)) merged[k] = v.clone();
  return merged;
}

/** `merge-lora`: a Llama-family checkpoint plus a PEFT LoRA folder → a full checkpoint (HF layout) with W + A·B·alpha/r. */
export function mergeLoraCheckpoint(modelDir: string, adapterDir: string, out: string): ModelConfig {
  const { cfg, params, tokenizer } = loadCheckpoint(modelDir);
  try {
    if (!cfg.llama) throw new Error(`${path.join(modelDir, "config.json")}: LoRA merging needs a Llama-family checkpoint (architectures ${LLAMA_ARCHITECTURES.join(", ")})`);
    const { lora: _, ...plain } = cfg;
    void _;
    const adapter = loadAdapter(adapterDir, plain);
    const merged = toVariables(mergeLora(plain, adapter.lora, params, adapter.params));
    tf.dispose(Object.values(adapter.params));
    saveCheckpoint(out, plain, merged, null, undefined, { mergedFrom: { model: path.resolve(modelDir), adapter: path.resolve(adapterDir) } }, tokenizer);
    tf.dispose(Object.values(merged));
    return plain;
  } finally {
    tf.dispose(Object.values(params));
  }
}

/**
 * A LoRA run's checkpoint: the merged weights (W + A·B·alpha/r) in the Hugging Face layout, so generation, serving,
 * `transformers` and a later run's --from read it as any full model, beside the adapter in PEFT's format (whose
 * base_model_name_or_path is the base checkpoint) and the adapters' optimizer moments; config.json's `tuneloop.lora`
 * names the base. The base tensors are not changed.
 */
export function saveLoraCheckpoint(dir: string, cfg: ModelConfig, base: Params, adapters: Params, state: TrainingState | null, optimizer: Record<string, tf.Tensor> | undefined, meta: Record<string, unknown>, tokenizer: Tokenizer, baseDir: string) {
  const lora = cfg.lora!;
  const { lora: _, ...plain } = cfg;
  void _;
  const merged = mergeLora(cfg, lora, base, adapters);
  try {
    saveCheckpoint(dir, plain, merged, state, optimizer, meta, tokenizer, adapterFiles(cfg, lora, adapters, baseDir));
  } finally {
    tf.dispose(Object.values(merged));
  }
}
