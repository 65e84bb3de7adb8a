// Streams the rows of a JSONL file or a top-level JSON array file, each with its 1-based line number.
import { createInterface } from "node:readline";
import { StringDecoder } from "node:string_decoder";
import { ImportRowError } from "./import-row-error";
import { splitJsonArray } from "./json-array-splitter";
import { openImportSource, peekStream, type ImportSource } from "./open-source";

export type JsonRow = { line: number; value: unknown };

/**
 * Rows of the (possibly gzipped) file, parsed with JSON.parse one at a time: a file whose
 * first non-blank character is "[" is read as a JSON array, anything else as JSONL (one
 * JSON value per line; blank lines skipped but counted). Memory holds one row at a time.
 */
export async function* readJsonRows(source: ImportSource): AsyncGenerator<JsonRow> {
  const bytes = await openImportSource(source);
  const { head, rest } = await peekStream(bytes, (h) => firstSignificantByte(h) !== null);
  const stream = rest;
  try {
    const first = firstSignificantByte(head);
    if (first === null) return; // empty or blank file: no rows
    if (first === 0x5b /* "[" */) {
      for await (const { line, text } of splitJsonArray(decodeUtf8(stream))) {
        yield { line, value: parseJson(text, line) };
      }
      return;
    }
    const lines = createInterface({ input: stream, crlfDelay: Infinity });
    let line = 0;
    try {
      for await (const raw of lines) {
        line++;
        const text = line === 1 ? raw.replace(/^\ufeff/, "") : raw;
        if (text.trim() === "") continue;
        yield { line, value: parseJson(text, line) };
      }
    } finally {
      lines.close();
    }
  } finally {
    stream.destroy();
  }
}

// UTF-8 text of a byte stream; StringDecoder keeps characters split across chunks whole.
async function* decodeUtf8(stream: AsyncIterable<unknown>): AsyncGenerator<string> {
  const decoder = new StringDecoder("utf8");
  for await (const chunk of stream) {
    const text = typeof chunk === "string" ? chunk : decoder.write(chunk as Buffer);
    if (text) yield text;
  }
  const rest = decoder.end();
  if (rest) yield rest;
}

function parseJson(text: string, line: number): unknown {
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new ImportRowError(line, null, `invalid JSON (${(e as Error).message})`);
  }
}

// The first byte that is not whitespace or part of a UTF-8 byte-order mark; null if none yet.
function firstSignificantByte(head: Buffer): number | null {
  let i = head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf ? 3 : 0;
  for (; i < head.length; i++) {
    const b = head[i];
    if (b !== 0x20 && b !== 0x0a && b !== 0x0d && b !== 0x09) return b;
  }
  return null;
}
