// Opens an import source (path or stream) as decompressed bytes: gzip found by magic bytes, not by name.
import { createReadStream } from "node:fs";
import { pipeline, type Readable } from "node:stream";
import { createGunzip } from "node:zlib";

export type ImportSource = string | Readable;

/** A stream of the file's bytes, gunzipped when it starts with 0x1f 0x8b whatever its extension. */
export async function openImportSource(source: ImportSource): Promise<Readable> {
  const raw = typeof source === "string" ? createReadStream(source) : source;
  const { head, rest } = await peekStream(raw, (h) => h.length >= 2);
  if (head[0] === 0x1f && head[1] === 0x8b) {
    // pipeline destroys both streams on error or early close, and the gunzip stream carries the error.
    return pipeline(rest, createGunzip(), () => {});
  }
  return rest;
}

/**
 * Reads chunks until `enough(head)` (or the end), then puts them back with `unshift` (the
 * stream API's way for a parser to un-consume data) and returns the same stream, so no
 * wrapper stream sits between the file and the parser. Destroying `rest` closes the input.
 */
export async function peekStream(
  input: Readable,
  enough: (head: Buffer) => boolean,
): Promise<{ head: Buffer; rest: Readable }> {
  const chunks: Buffer[] = [];
  let head: Buffer = Buffer.alloc(0);
  while (!enough(head) && !input.readableEnded && !input.destroyed) {
    const chunk: unknown = input.read();
    if (chunk === null) {
      await readableOrEnd(input);
      continue;
    }
    chunks.push(toBuffer(chunk));
    head = chunks.length === 1 ? chunks[0] : Buffer.concat(chunks);
  }
  if (head.length > 0) input.unshift(head);
  return { head, rest: input };
}

function readableOrEnd(input: Readable): Promise<void> {
  return new Promise((resolve, reject) => {
    const done = () => {
      input.off("readable", done).off("end", done).off("close", done).off("error", fail);
      resolve();
    };
    const fail = (e: Error) => {
      input.off("readable", done).off("end", done).off("close", done).off("error", fail);
      reject(e);
    };
    input.on("readable", done).on("end", done).on("close", done).on("error", fail);
  });
}

function toBuffer(chunk: unknown): Buffer {
  if (Buffer.isBuffer(chunk)) return chunk;
  if (typeof chunk === "string") return Buffer.from(chunk, "utf8");
  if (chunk instanceof Uint8Array) return Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
  throw new TypeError("import streams must carry bytes or strings");
}
