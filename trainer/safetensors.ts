// safetensors (huggingface/safetensors): 8-byte little-endian header length, JSON header (dtype, shape, data_offsets),
// raw little-endian data. Written as F32; read from F32, F16 or BF16, one file or the shards of an index.
import fs from "node:fs";
import path from "node:path";
import { z } from "zod";

export type HostTensor = { shape: number[]; data: Float32Array };
const entrySchema = z.object({ dtype: z.string(), shape: z.array(z.number().int().min(0)), data_offsets: z.tuple([z.number().int(), z.number().int()]) });
type Entry = z.infer<typeof entrySchema>;

export function encodeSafetensors(tensors: Record<string, HostTensor>): Buffer {
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
let halfTable: Float32Array | null = null;

/** Raw little-endian F32, F16 or BF16 bytes → Float32Array (bfloat16 is the top half of a float32). */
function toFloat32(bytes: Buffer, dtype: string, name: string): Float32Array {
  const copy = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
  if (dtype === "F32") return new Float32Array(copy);
  const halves = new Uint16Array(copy);
  if (dtype === "F16") {
    const table = (halfTable ??= Float32Array.from({ length: 65536 }, (_, h) => halfToFloat(h)));
    return Float32Array.from(halves, (h) => table[h]);
  }
  if (dtype === "BF16") return new Float32Array(Uint32Array.from(halves, (h) => h << 16).buffer);
  throw new Error(`tensor ${name}: dtype ${dtype} not supported (F32, F16, BF16)`);
}

const WIDTH: Record<string, number> = { F32: 4, F16: 2, BF16: 2 };

/** Parses and checks a header: each tensor's dtype is one we read and its byte range fits its shape and the data. */
function parseHeader(json: string, dataBytes: number): Record<string, Entry> {
  let raw: unknown;
  try {
    raw = JSON.parse(json);
  } catch {
    throw new Error("header is not valid JSON");
  }
  const entries = z.record(z.string(), z.unknown()).safeParse(raw);
  if (!entries.success) throw new Error("header is not a JSON object");
  const header: Record<string, Entry> = {};
  for (const [name, value] of Object.entries(entries.data)) {
    if (name === "__metadata__") continue;
    const parsed = entrySchema.safeParse(value);
    if (!parsed.success) throw new Error(`tensor ${name}: needs dtype, shape [int] and data_offsets [begin, end] (${z.prettifyError(parsed.error)})`);
    const h = (header[name] = parsed.data);
    if (!(h.dtype in WIDTH)) throw new Error(`tensor ${name}: dtype ${h.dtype} not supported (F32, F16, BF16)`);
    const [a, b] = h.data_offsets;
    const count = h.shape.reduce((x, y) => x * y, 1);
    if (!(b - a === count * WIDTH[h.dtype] && a >= 0 && b <= dataBytes)) throw new Error(`tensor ${name}: data_offsets [${h.data_offsets.join()}] do not fit shape [${h.shape.join()}] ${h.dtype} in ${dataBytes} bytes of data`);
  }
  return header;
}

export function decodeSafetensors(buf: Buffer): Record<string, HostTensor> {
  if (buf.length < 8) throw new Error("shorter than a safetensors header");
  const n = Number(buf.readBigUInt64LE(0));
  if (8 + n > buf.length) throw new Error(`header length ${n} is past the end of the file`);
  const header = parseHeader(buf.subarray(8, 8 + n).toString("utf8"), buf.length - 8 - n);
  const out: Record<string, HostTensor> = {};
  for (const [name, h] of Object.entries(header)) out[name] = { shape: h.shape, data: toFloat32(buf.subarray(8 + n + h.data_offsets[0], 8 + n + h.data_offsets[1]), h.dtype, name) };
  return out;
}

/** Reads one file tensor by tensor (never the whole file in one buffer); errors name the file. */
export function readSafetensorsFile(file: string): Record<string, HostTensor> {
  const fd = fs.openSync(file, "r");
  try {
    const size = fs.fstatSync(fd).size;
    const fail = (msg: string): never => {
      throw new Error(`${file}: ${msg}`);
    };
    if (size < 8) fail("shorter than a safetensors header");
    const len = Buffer.alloc(8);
    fs.readSync(fd, len, 0, 8, 0);
    const n = Number(len.readBigUInt64LE(0));
    if (8 + n > size) fail(`header length ${n} is past the end of the file`);
    const json = Buffer.alloc(n);
    fs.readSync(fd, json, 0, n, 8);
    let header: Record<string, Entry> = {};
    try {
      header = parseHeader(json.toString("utf8"), size - 8 - n);
    } catch (e) {
      fail((e as Error).message);
    }
    const out: Record<string, HostTensor> = {};
    for (const [name, h] of Object.entries(header)) {
      const bytes = Buffer.alloc(h.data_offsets[1] - h.data_offsets[0]);
      fs.readSync(fd, bytes, 0, bytes.length, 8 + n + h.data_offsets[0]);
      out[name] = { shape: h.shape, data: toFloat32(bytes, h.dtype, name) };
    }
    return out;
  } finally {
    fs.closeSync(fd);
  }
}

/**
 * A model folder's weights: model.safetensors, or the shards model.safetensors.index.json names in its weight_map
 * (each shard must exist and hold the tensors the map assigns to it).
 */
export function readModelWeights(dir: string): Record<string, HostTensor> {
  const single = path.join(dir, "model.safetensors");
  const indexFile = path.join(dir, "model.safetensors.index.json");
  if (fs.existsSync(single)) return readSafetensorsFile(single);
  if (!fs.existsSync(indexFile)) throw new Error(`${single} is missing (and there is no model.safetensors.index.json)`);
  let index: unknown;
  try {
    index = JSON.parse(fs.readFileSync(indexFile, "utf8"));
  } catch (e) {
    throw new Error(`${indexFile}: not valid JSON (${(e as Error).message})`);
  }
  const map = z.object({ weight_map: z.record(z.string(), z.string()) }).safeParse(index).data?.weight_map;
  if (!map || !Object.keys(map).length) throw new Error(`${indexFile}: field "weight_map" is missing or empty`);
  const shards = [...new Set(Object.values(map))];
  for (const s of shards) {
    if (typeof s !== "string" || s.includes("/") || s.includes("\\")) throw new Error(`${indexFile}: weight_map names ${JSON.stringify(s)}, not a file name in the folder`);
    if (!fs.existsSync(path.join(dir, s))) throw new Error(`${indexFile}: weight_map names shard ${s}, which is missing`);
  }
  const out: Record<string, HostTensor> = {};
  for (const s of shards) {
    const tensors = readSafetensorsFile(path.join(dir, s));
    for (const [name, shard] of Object.entries(map)) {
      if (shard !== s) continue;
      if (!tensors[name]) throw new Error(`${path.join(dir, s)}: tensor ${name} is missing (${indexFile} puts it in this shard)`);
      out[name] = tensors[name];
    }
  }
  return out;
}
