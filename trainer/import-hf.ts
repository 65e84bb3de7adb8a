// Import from a local Hugging Face folder into a checkpoint. GPT-2 family (config.json, model.safetensors, vocab.json,
// merges.txt; reference: transformers' GPT2Model): names stay HF's, minus a `transformer.` prefix. Llama family
// (LlamaForCausalLM, Qwen2ForCausalLM, MistralForCausalLM; config.json, model.safetensors or its sharded index,
// tokenizer.json, tokenizer_config.json): see trainer/hf-llama.ts for what is read and what is refused.
import fs from "node:fs";
import path from "node:path";
import * as tf from "@tensorflow/tfjs";
import { modelConfigSchema, type ModelConfig } from "./config";
import { decodeSafetensors, eosIdsOf, llamaParamsFrom, readJson, saveCheckpoint } from "./checkpoint";
import { isLlamaFamily, llamaConfigFromHf } from "./hf-llama";
import { assert, checkShapes, paramShapes, toVariables } from "./model";
import { readModelWeights } from "./safetensors";
import { loadBpeTokenizer, loadHfTokenizer } from "./tokenizer";

/** Buffers HF stores beside the weights (causal masks) and the LM head, which GPT-2 ties to wte. */
const NOT_WEIGHTS = /(^|\.)attn\.(bias|masked_bias)$|^lm_head\.weight$/;

/** Reads and checks everything first; writes the checkpoint (atomically) only when all of it is sound. */
export function importHf(hfDir: string, out: string): ModelConfig {
  const configFile = path.join(hfDir, "config.json");
  assert(fs.existsSync(configFile), `${configFile} is missing`);
  const hf = readJson(configFile) as Record<string, unknown>;
  assert(hf && typeof hf === "object" && !Array.isArray(hf), `${configFile}: not a JSON object`);
  const archs = hf.architectures;
  const gpt2 = hf.model_type === "gpt2" || (Array.isArray(archs) && archs[0] === "GPT2LMHeadModel") || (hf.model_type === undefined && archs === undefined);
  if (!gpt2) {
    assert(isLlamaFamily(hf) || Array.isArray(archs), `${configFile}: model_type ${JSON.stringify(hf.model_type)} is not supported (gpt2, llama, qwen2, mistral)`);
    return importLlama(hfDir, hf, out);
  }
  return importGpt2(hfDir, hf, out);
}

function importLlama(hfDir: string, hf: Record<string, unknown>, out: string): ModelConfig {
  const configFile = path.join(hfDir, "config.json");
  const cfg = llamaConfigFromHf(hf, configFile);
  cfg.llama!.hfExtra = hf;
  const tokenizer = loadHfTokenizer(hfDir, { eosIds: eosIdsOf(hf) });
  assert(tokenizer.vocabSize <= cfg.vocabSize, `${path.join(hfDir, "tokenizer.json")}: ${tokenizer.vocabSize} tokens, more than config.json's vocab_size ${cfg.vocabSize}`);
  const params = toVariables(llamaParamsFrom(cfg, readModelWeights(hfDir), path.join(hfDir, "model.safetensors")));
  try {
    saveCheckpoint(out, cfg, params, null, undefined, { importedFrom: path.resolve(hfDir) }, tokenizer);
  } finally {
    Object.values(params).forEach((p) => p.dispose());
  }
  return cfg;
}

function importGpt2(hfDir: string, hf: Record<string, unknown>, out: string): ModelConfig {
  for (const f of ["model.safetensors", "vocab.json", "merges.txt"]) assert(fs.existsSync(path.join(hfDir, f)), `${path.join(hfDir, f)} is missing (a GPT-2 folder needs config.json, model.safetensors, vocab.json, merges.txt)`);
  // Our blocks use GPT-2's tanh GELU and ε = 1e-5; other variants would load but compute something else.
  const act = hf.activation_function;
  assert(act === undefined || (typeof act === "string" && ["gelu_new", "gelu_pytorch_tanh"].includes(act)), `${hfDir}/config.json: activation_function ${JSON.stringify(act)} is not supported (gelu_new)`);
  assert(hf.layer_norm_epsilon === undefined || hf.layer_norm_epsilon === 1e-5, `${hfDir}/config.json: layer_norm_epsilon ${JSON.stringify(hf.layer_norm_epsilon)} is not supported (1e-5)`);
  const parsed = modelConfigSchema.safeParse({ vocabSize: hf.vocab_size, blockSize: hf.n_positions ?? hf.n_ctx, nLayer: hf.n_layer, nHead: hf.n_head, nEmbd: hf.n_embd, tokenizer: "gpt2-bpe" });
  assert(parsed.success, `${hfDir}/config.json: ${parsed.error?.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")} (reads vocab_size, n_positions, n_layer, n_head, n_embd)`);
  const cfg = parsed.data;
  const tokenizer = loadBpeTokenizer(hfDir);
  assert(tokenizer.vocabSize <= cfg.vocabSize, `${hfDir}: vocab.json has ${tokenizer.vocabSize} tokens, config.json vocab_size ${cfg.vocabSize}`);
  let raw;
  try {
    raw = decodeSafetensors(fs.readFileSync(path.join(hfDir, "model.safetensors")));
  } catch (e) {
    throw new Error(`${hfDir}/model.safetensors: ${(e as Error).message}`);
  }
  const weights = Object.fromEntries(
    Object.entries(raw)
      .map(([k, v]) => [k.replace(/^transformer\./, ""), v] as const)
      .filter(([k]) => !NOT_WEIGHTS.test(k)),
  );
  checkShapes(cfg, Object.fromEntries(Object.entries(weights).map(([k, v]) => [k, v.shape])), `${hfDir}/model.safetensors`);
  const params = toVariables(Object.fromEntries(Object.keys(paramShapes(cfg)).map((k) => [k, tf.tensor(weights[k].data, weights[k].shape)])));
  saveCheckpoint(out, cfg, params, null, undefined, { importedFrom: path.resolve(hfDir) }, tokenizer);
  Object.values(params).forEach((p) => p.dispose());
  return cfg;
}
