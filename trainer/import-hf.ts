// Import of GPT-2-family weights from a local Hugging Face folder (config.json, model.safetensors, vocab.json,
// merges.txt; reference: transformers' GPT2Model) into a checkpoint. Names stay HF's, minus a `transformer.` prefix.
import fs from "node:fs";
import path from "node:path";
import * as tf from "@tensorflow/tfjs";
import { modelConfigSchema } from "./config";
import { decodeSafetensors, readJson, saveCheckpoint } from "./checkpoint";
import { assert, checkShapes, paramShapes, toVariables } from "./model";
import { loadBpeTokenizer } from "./tokenizer";

/** Buffers HF stores beside the weights (causal masks) and the LM head, which GPT-2 ties to wte. */
const NOT_WEIGHTS = /(^|\.)attn\.(bias|masked_bias)$|^lm_head\.weight$/;

/** Reads and checks everything first; writes the checkpoint (atomically) only when all of it is sound. */
export function importHf(hfDir: string, out: string) {
  for (const f of ["config.json", "model.safetensors", "vocab.json", "merges.txt"]) assert(fs.existsSync(path.join(hfDir, f)), `${path.join(hfDir, f)} is missing (a GPT-2 folder needs config.json, model.safetensors, vocab.json, merges.txt)`);
  const hf = readJson(path.join(hfDir, "config.json")) as Record<string, unknown>;
  assert(hf.model_type === undefined || hf.model_type === "gpt2", `${hfDir}/config.json: model_type "${hf.model_type}" is not GPT-2-shaped (gpt2 only)`);
  // Our blocks use GPT-2's tanh GELU and ε = 1e-5; other variants would load but compute something else.
  assert(hf.activation_function === undefined || ["gelu_new", "gelu_pytorch_tanh"].includes(String(hf.activation_function)), `${hfDir}/config.json: activation_function "${hf.activation_function}" is not supported (gelu_new)`);
  assert(hf.layer_norm_epsilon === undefined || hf.layer_norm_epsilon === 1e-5, `${hfDir}/config.json: layer_norm_epsilon ${hf.layer_norm_epsilon} is not supported (1e-5)`);
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
