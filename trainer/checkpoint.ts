// Checkpoint folders: config.json, the tokenizer's files, model.safetensors (Hugging Face GPT-2 names), training state;
// written into a temporary sibling and renamed into place, so a crash never leaves half a checkpoint.
import fs from "node:fs";
import path from "node:path";
import * as tf from "@tensorflow/tfjs";
import { modelConfigSchema, type ModelConfig } from "./config";
import { checkShapes, paramShapes, toVariables, type Params } from "./model";
import { byteTokenizer, loadTokenizer, type Tokenizer } from "./tokenizer";

/** safetensors: 8-byte little-endian header length, JSON header (dtype, shape, data_offsets), raw little-endian data. */
export function encodeSafetensors(tensors: Record<string, { shape: number[]; data: Float32Array }>): Buffer {
  const names = Object.keys(tensors).sort();
  const header: Record<string, unknown> = {};
  let offset = 0;
  for (const n of names) {
    const bytes = tensors[n].data.length * 4;
    header[n] = { dtype: "F32", shape: tensors[n].shape, data_offsets: [offset, offset + bytes] };
    offset += bytes;
  }
  let json = JSON.stringify(header);
  json += " ".repeat((8 - (json.length % 8)) % 8);
  const head = Buffer.alloc(8);
  head.writeBigUInt64LE(BigInt(Buffer.byteLength(json)));
  return Buffer.concat([head, Buffer.from(json), ...names.map((n) => Buffer.from(tensors[n].data.buffer, tensors[n].data.byteOffset, tensors[n].data.byteLength))]);
}

/** IEEE half → float: sign, 5-bit exponent, 10-bit fraction (subnormals and inf/NaN included). */
function halfToFloat(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exp = (h >> 10) & 0x1f;
  const frac = h & 0x3ff;
  if (exp === 0) return sign * 2 ** -14 * (frac / 1024);
  if (exp === 31) return frac ? NaN : sign * Infinity;
  return sign * 2 ** (exp - 15) * (1 + frac / 1024);
}

/** Raw little-endian F32, F16 or BF16 bytes → Float32Array (bfloat16 is the top half of a float32). */
function toFloat32(bytes: Buffer, dtype: string, name: string): Float32Array {
  const copy = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
  if (dtype === "F32") return new Float32Array(copy);
  const halves = new Uint16Array(copy);
  if (dtype === "F16") return Float32Array.from(halves, halfToFloat);
  if (dtype === "BF16") return new Float32Array(Uint32Array.from(halves, (h) => h << 16).buffer);
  throw new Error(`tensor ${name}: dtype ${dtype} not supported (F32, F16, BF16)`);
}

export function decodeSafetensors(buf: Buffer): Record<string, { shape: number[]; data: Float32Array }> {
  const n = Number(buf.readBigUInt64LE(0));
  const header = JSON.parse(buf.subarray(8, 8 + n).toString("utf8")) as Record<string, { dtype: string; shape: number[]; data_offsets: [number, number] }>;
  const out: Record<string, { shape: number[]; data: Float32Array }> = {};
  for (const [name, h] of Object.entries(header)) {
    if (name === "__metadata__") continue;
    out[name] = { shape: h.shape, data: toFloat32(buf.subarray(8 + n + h.data_offsets[0], 8 + n + h.data_offsets[1]), h.dtype, name) };
  }
  return out;
}

export function readJson(file: string): unknown {
  try {
    return JSON.parse(fs.readFileSync(file, "utf8"));
  } catch (e) {
    throw new Error(`${file}: not valid JSON (${(e as Error).message})`);
  }
}

export type TrainingState = { step: number; stage: string; seed: number; dataPosition: number; extra?: Record<string, unknown> };

function tensorsOf(vars: Record<string, tf.Variable | tf.Tensor>) {
  return Object.fromEntries(Object.entries(vars).map(([k, v]) => [k, { shape: v.shape as number[], data: v.dataSync() as Float32Array }]));
}

export function saveCheckpoint(dir: string, cfg: ModelConfig, params: Params, state: TrainingState | null, optimizer?: Record<string, tf.Tensor>, meta: Record<string, unknown> = {}, tokenizer: Tokenizer = byteTokenizer) {
  const tmp = `${dir}.tmp-${process.pid}`;
  fs.rmSync(tmp, { recursive: true, force: true });
  fs.mkdirSync(path.dirname(dir), { recursive: true });
  // Not recursive: on a read-only disk a recursive mkdir reports ENOENT, this one EROFS.
  fs.mkdirSync(tmp);
  try {
    fs.writeFileSync(path.join(tmp, "config.json"), JSON.stringify({ ...cfg, ...meta }, null, 2));
    for (const [f, text] of Object.entries(tokenizer.files())) fs.writeFileSync(path.join(tmp, f), text);
    fs.writeFileSync(path.join(tmp, "model.safetensors"), encodeSafetensors(tensorsOf(params)));
    if (state) fs.writeFileSync(path.join(tmp, "training_state.json"), JSON.stringify(state));
    if (optimizer) fs.writeFileSync(path.join(tmp, "optimizer.safetensors"), encodeSafetensors(tensorsOf(optimizer)));
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

export function loadCheckpoint(dir: string): { cfg: ModelConfig; params: Params; tokenizer: Tokenizer; state: TrainingState | null; optimizer: Record<string, tf.Tensor> | null } {
  for (const f of ["config.json", "model.safetensors"]) if (!fs.existsSync(path.join(dir, f))) throw new Error(`not a checkpoint: ${path.join(dir, f)} is missing`);
  const raw = readJson(path.join(dir, "config.json")) as Record<string, unknown>;
  const parsed = modelConfigSchema.safeParse({ vocabSize: raw.vocabSize, blockSize: raw.blockSize, nLayer: raw.nLayer, nHead: raw.nHead, nEmbd: raw.nEmbd, tokenizer: raw.tokenizer });
  if (!parsed.success) throw new Error(`${path.join(dir, "config.json")}: ${parsed.error.issues.map((i) => `${i.path.join(".") || "config"}: ${i.message}`).join("; ")}`);
  const cfg = parsed.data;
  const tokenizer = loadTokenizer(cfg.tokenizer, dir);
  const weights = decodeSafetensors(fs.readFileSync(path.join(dir, "model.safetensors")));
  checkShapes(cfg, Object.fromEntries(Object.entries(weights).map(([k, v]) => [k, v.shape])), path.join(dir, "model.safetensors"));
  const params: Params = toVariables(Object.fromEntries(Object.keys(paramShapes(cfg)).map((k) => [k, tf.tensor(weights[k].data, weights[k].shape)])));
  const statePath = path.join(dir, "training_state.json");
  const state = fs.existsSync(statePath) ? (JSON.parse(fs.readFileSync(statePath, "utf8")) as TrainingState) : null;
  const optPath = path.join(dir, "optimizer.safetensors");
  const optimizer = fs.existsSync(optPath) ? Object.fromEntries(Object.entries(decodeSafetensors(fs.readFileSync(optPath))).map(([k, v]) => [k, tf.tensor(v.data, v.shape)])) : null;
  return { cfg, params, tokenizer, state, optimizer };
}
