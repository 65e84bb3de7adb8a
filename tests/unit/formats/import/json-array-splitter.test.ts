// The streaming JSON-array splitter must not care where chunk boundaries fall.
import { Readable } from "node:stream";
import { describe, expect, it } from "vitest";
import { parseImportFile } from "@/lib/formats/import";
import { splitJsonArray } from "@/lib/formats/import/json-array-splitter";

async function split(chunks: string[]) {
  const out: Array<{ line: number; text: string }> = [];
  async function* gen() {
    yield* chunks;
  }
  for await (const el of splitJsonArray(gen())) out.push(el);
  return out;
}

describe("splitJsonArray", () => {
  const text = '[\n  {"a": "x]\\"y", "b": [1, {"c": "}"}]},\n  "s,t",\n  3.5, null,\n  [ ]\n]\n';
  const expected = [
    { line: 2, text: '{"a": "x]\\"y", "b": [1, {"c": "}"}]}' },
    { line: 3, text: '"s,t"' },
    { line: 4, text: "3.5" },
    { line: 4, text: "null" },
    { line: 5, text: "[ ]" },
  ];

  it("splits elements with brackets, commas and escaped quotes inside strings", async () => {
    expect(await split([text])).toEqual(expected);
  });

  it("gives the same elements whatever the chunking", async () => {
    for (const size of [1, 2, 3, 7]) {
      const chunks = [];
      for (let i = 0; i < text.length; i += size) chunks.push(text.slice(i, i + size));
      expect(await split(chunks)).toEqual(expected);
    }
  });

  it("decodes multi-byte UTF-8 split across byte chunks", async () => {
    const row = { instruction: "Traduis « déjà vu » 🙂 en 中文", input: "", output: "似曾相识 🙂" };
    const bytes = Buffer.from(JSON.stringify([row, row]));
    const oneByteChunks = Array.from(bytes, (b) => Buffer.from([b]));
    const records = [];
    for await (const r of parseImportFile(Readable.from(oneByteChunks))) records.push(r);
    expect(records.map((r) => r.instruction)).toEqual([row.instruction, row.instruction]);
    expect(records[0].completions[0].text).toBe(row.output);
  });
});
