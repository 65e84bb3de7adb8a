// Checkpoint folders: config.json, the tokenizer's files, model.safetensors, training state; written into a temporary
// sibling and renamed into place, so a crash never leaves half a checkpoint. GPT-2-shaped models keep Hugging Face's
// GPT-2 names; Llama-family models are written in Hugging Face's own layout (config.json with architectures and
// model_type, Linear weights [out, in], tokenizer.json and tokenizer_config.json), so `transformers` loads them as is.
import fs from "node:fs";
import path from "node:path";
import * as tf from "@tensorflow/tfjs";
import { modelConfigSchema, type ModelConfig } from "./config";
import { fromHfTensor, hfConfigOf, isLinearWeight, isLlamaFamily, llamaConfigFromHf, NOT_LLAMA_WEIGHTS, toHfTensor } from "./hf-llama";
import { checkShapes, paramShapes, toVariables, type Params } from "./model";
import { SCORE } from "./reward";
import { decodeSafetensors, encodeSafetensors, readModelWeights, type HostTensor } from "./safetensors";
import { byteTokenizer, loadTokenizer, type Tokenizer } from "./tokenizer";

export { decodeSafetensors, encodeSafetensors } from "./safetensors";

export function readJson(file: string): unknown {
  try {
    return JSON.parse(fs.readFileSync(file, "utf8"));
  } catch (e) {
    throw new Error(`${file}: not valid JSON (${(e as Error).message})`);
  }
}

export type TrainingState = { step: number; stage: string; seed: number; dataPosition: number; extra?: Record<string, unknown> };

function tensorsOf(vars: Record<string, tf.Tensor>) {
  return Object.fromEntries(Object.entries(vars).map(([k, v]) => [k, { shape: v.shape, data: v.dataSync() as Float32Array }]));
}

/** Writes a checkpoint atomically; `extra` files (a LoRA run's PEFT adapter) go into the same folder in the same rename. */
export function saveCheckpoint(dir: string, cfg: ModelConfig, params: Record<string, tf.Tensor>, state: TrainingState | null, optimizer?: Record<string, tf.Tensor>, meta: Record<string, unknown> = {}, tokenizer: Tokenizer = byteTokenizer, extra: Record<string, Buffer | string> = {}) {
  const tmp = `${dir}.tmp-${process.pid}`;
  fs.rmSync(tmp, { recursive: true, force: true });
  fs.mkdirSync(path.dirname(dir), { recursive: true });
  // Not recursive: on a read-only disk a recursive mkdir reports ENOENT, this one EROFS.
  fs.mkdirSync(tmp);
  try {
    const config = cfg.llama ? hfConfigOf(cfg, cfg.llama.hfExtra ?? {}, meta) : { ...cfg, ...meta };
    fs.writeFileSync(path.join(tmp, "config.json"), JSON.stringify(config, null, 2));
    for (const [f, text] of Object.entries(tokenizer.files())) fs.writeFileSync(path.join(tmp, f), text);
    // A reward model's score.weight is stored as HF's nn.Linear holds it ([1, C]) in both families.
    const weights = cfg.llama ? Object.fromEntries(Object.entries(params).map(([k, v]) => [k, toHfTensor(k, v)])) : Object.fromEntries(Object.entries(params).map(([k, v]) => [k, k === SCORE ? toHfTensor(k, v) : { shape: v.shape, data: v.dataSync() as Float32Array }]));
    fs.writeFileSync(path.join(tmp, "model.safetensors"), encodeSafetensors(weights));
    if (state) fs.writeFileSync(path.join(tmp, "training_state.json"), JSON.stringify(state));
    if (optimizer) fs.writeFileSync(path.join(tmp, "optimizer.safetensors"), encodeSafetensors(tensorsOf(optimizer)));
    for (const [f, data] of Object.entries(extra)) fs.writeFileSync(path.join(tmp, f), data);
    for (const f of fs.readdirSync(tmp)) {
      const fd = fs.openSync(path.join(tmp, f), "r");
      fs.fsyncSync(fd);
      fs.closeSync(fd);
    }
  } catch (e) {
    // A full disk half way: nothing half-written stays behind.
    fs.rmSync(tmp, { recursive: true, force: true });
    throw e;
  }
  const old = `${dir}.old-${process.pid}`;
  if (fs.existsSync(dir)) fs.renameSync(dir, old);
  fs.renameSync(tmp, dir);
  fs.rmSync(old, { recursive: true, force: true });
}

/** eos_token_id of a HF config: one id or a list. */
export function eosIdsOf(hf: Record<string, unknown>): number[] {
  const e = hf.eos_token_id;
  return (Array.isArray(e) ? e : [e]).filter((x): x is number => typeof x === "number");
}

/** A reward model's head from stored weights, held [C, 1]; none when there is none; a wrong shape is refused. */
export function scoreFrom(cfg: ModelConfig, raw: Record<string, HostTensor>, where: string): Record<string, tf.Tensor> {
  const t = raw[SCORE];
  if (!t) return {};
  if (t.shape.join() !== `1,${cfg.nEmbd}`) throw new Error(`${where}: tensor ${SCORE} has shape [${t.shape.join()}], a reward head needs [1,${cfg.nEmbd}]`);
  return { [SCORE]: fromHfTensor(SCORE, t.data, t.shape) };
}

/**
 * A Llama-family folder's weights as model tensors, checked against the config: HF names, Linear weights transposed
 * to [in, out]; rotary caches dropped; a tied head's stored lm_head ignored; a reward model's score.weight kept; any
 * other tensor refused by name.
 */
export function llamaParamsFrom(cfg: ModelConfig, raw: Record<string, HostTensor>, where: string): Record<string, tf.Tensor> {
  const want = paramShapes(cfg);
  const kept = Object.entries(raw).filter(([k]) => !NOT_LLAMA_WEIGHTS.test(k) && k !== SCORE && !(k === "lm_head.weight" && cfg.llama!.tiedHead));
  for (const [k] of kept) if (!want[k]) throw new Error(`${where}: tensor ${k} is not part of this config's model (check attention_bias, mlp_bias, tie_word_embeddings, num_hidden_layers)`);
  // Shapes compared as the model holds them.
  checkShapes(cfg, Object.fromEntries(kept.map(([k, v]) => [k, isLinearWeight(k) ? [...v.shape].reverse() : v.shape])), where);
  return { ...Object.fromEntries(kept.map(([k, v]) => [k, fromHfTensor(k, v.data, v.shape)])), ...scoreFrom(cfg, raw, where) };
}

export function loadCheckpoint(dir: string): { cfg: ModelConfig; params: Params; tokenizer: Tokenizer; state: TrainingState | null; optimizer: Record<string, tf.Tensor> | null } {
  for (const f of ["config.json", "model.safetensors"]) if (!fs.existsSync(path.join(dir, f))) throw new Error(`not a checkpoint: ${path.join(dir, f)} is missing`);
  const configFile = path.join(dir, "config.json");
  const raw = readJson(configFile) as Record<string, unknown>;
  let cfg: ModelConfig;
  let params: Params;
  let tokenizer: Tokenizer;
  if (isLlamaFamily(raw)) {
    const { tuneloop, ...hfExtra } = raw as { tuneloop?: { blockSize?: number } };
    cfg = llamaConfigFromHf(raw, configFile, tuneloop?.blockSize);
    cfg.llama!.hfExtra = hfExtra;
    tokenizer = loadTokenizer("hf", dir, { eosIds: eosIdsOf(raw) });
    params = toVariables(llamaParamsFrom(cfg, readModelWeights(dir), path.join(dir, "model.safetensors")));
  } else {
    const parsed = modelConfigSchema.safeParse({ vocabSize: raw.vocabSize, blockSize: raw.blockSize, nLayer: raw.nLayer, nHead: raw.nHead, nEmbd: raw.nEmbd, tokenizer: raw.tokenizer });
    if (!parsed.success) throw new Error(`${configFile}: ${parsed.error.issues.map((i) => `${i.path.join(".") || "config"}: ${i.message}`).join("; ")}`);
    cfg = parsed.data;
    tokenizer = loadTokenizer(cfg.tokenizer, dir);
    const weights = decodeSafetensors(fs.readFileSync(path.join(dir, "model.safetensors")));
    checkShapes(cfg, Object.fromEntries(Object.entries(weights).map(([k, v]) => [k, v.shape])), path.join(dir, "model.safetensors"));
    params = toVariables({ ...Object.fromEntries(Object.keys(paramShapes(cfg)).map((k) => [k, tf.tensor(weights[k].data, weights[k].shape)])), ...scoreFrom(cfg, weights, path.join(dir, "model.safetensors")) });
  }
  return { cfg, params, tokenizer, ...readTrainingState(dir) };
}

/** A checkpoint's training state and optimizer moments without its weights (a LoRA run resumes from base + adapter). */
export function readTrainingState(dir: string): { state: TrainingState | null; optimizer: Record<string, tf.Tensor> | null } {
  const statePath = path.join(dir, "training_state.json");
  const state = fs.existsSync(statePath) ? (JSON.parse(fs.readFileSync(statePath, "utf8")) as TrainingState) : null;
  const optPath = path.join(dir, "optimizer.safetensors");
  const optimizer = fs.existsSync(optPath) ? Object.fromEntries(Object.entries(decodeSafetensors(fs.readFileSync(optPath))).map(([k, v]) => [k, tf.tensor(v.data, v.shape)])) : null;
  return { state, optimizer };
}
