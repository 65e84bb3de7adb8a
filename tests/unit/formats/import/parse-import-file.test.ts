// parseImportFile on small files written by the test: every format, gzip, JSON arrays, bad rows.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { Readable } from "node:stream";
import { gzipSync } from "node:zlib";
import { afterAll, describe, expect, it, vi } from "vitest";
import {
  contentHash,
  detectFileFormat,
  detectFormat,
  ImportRowError,
  parseImportFile,
  type FormatName,
  type ImportRecord,
} from "@/lib/formats/import";
import { splitHhTranscripts } from "@/lib/formats/import/formats/hh-rlhf";

const dir = mkdtempSync(path.join(tmpdir(), "tuneloop-import-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let fileCount = 0;
function writeFile(content: string | Buffer, name = `f${fileCount++}.jsonl`): string {
  const file = path.join(dir, name);
  writeFileSync(file, content);
  return file;
}
const jsonl = (rows: unknown[]) => rows.map((r) => JSON.stringify(r)).join("\n") + "\n";

async function collect(source: string | Readable, format?: FormatName): Promise<ImportRecord[]> {
  const out: ImportRecord[] = [];
  for await (const r of parseImportFile(source, { format })) out.push(r);
  return out;
}

async function importError(source: string | Readable, format?: FormatName): Promise<ImportRowError> {
  try {
    await collect(source, format);
  } catch (e) {
    expect(e).toBeInstanceOf(ImportRowError);
    return e as ImportRowError;
  }
  throw new Error("expected the import to fail");
}

describe("formats", () => {
  it("alpaca: one human demonstration; empty input becomes null", async () => {
    const file = writeFile(
      jsonl([
        { instruction: "Give three tips for staying healthy.", input: "", output: "1. Eat well." },
        { instruction: "Translate.", input: "Bonjour", output: "Hello" },
      ]),
    );
    const rows = await collect(file);
    expect(rows).toEqual([
      {
        line: 1,
        instruction: "Give three tips for staying healthy.",
        input: null,
        category: null,
        completions: [{ text: "1. Eat well.", source: "human", generator: null }],
        ranking: null,
        meta: { format: "alpaca" },
      },
      expect.objectContaining({ line: 2, input: "Bonjour" }),
    ]);
  });

  it("dolly: context is the input, category kept", async () => {
    const file = writeFile(
      jsonl([{ instruction: "Who wrote it?", context: "Hamlet is a play by Shakespeare.", response: "Shakespeare", category: "closed_qa" }]),
    );
    const [r] = await collect(file);
    expect(r).toMatchObject({
      instruction: "Who wrote it?",
      input: "Hamlet is a play by Shakespeare.",
      category: "closed_qa",
      completions: [{ text: "Shakespeare", source: "human", generator: null }],
      meta: { format: "dolly" },
    });
  });

  it("self-instruct: first instance is the demonstration", async () => {
    const file = writeFile(
      jsonl([
        {
          id: "seed_task_1",
          name: "antonym_relation",
          instruction: "What is the relation between the given pairs?",
          instances: [{ input: "Night : Day :: Right : Left", output: "Opposites." }, { input: "", output: "x" }],
          is_classification: false,
        },
      ]),
    );
    const [r] = await collect(file);
    expect(r).toMatchObject({
      input: "Night : Day :: Right : Left",
      completions: [{ text: "Opposites.", source: "human" }],
      meta: { format: "self-instruct", taskId: "seed_task_1", taskName: "antonym_relation", isClassification: false, instances: 2 },
    });
  });

  it("ranking: model outputs attributed to their generators, no ranking", async () => {
    const file = writeFile(
      jsonl([{ instruction: "Name a colour.", dataset: "helpful_base", outputs: [{ generator: "gpt4", output: "Blue" }, { generator: "alpaca-7b", output: "" }] }]),
    );
    const [r] = await collect(file);
    expect(r.completions).toEqual([
      { text: "Blue", source: "import", generator: "gpt4" },
      { text: "", source: "import", generator: "alpaca-7b" },
    ]);
    expect(r.ranking).toBeNull();
    expect(r.meta).toEqual({ format: "ranking", dataset: "helpful_base" });
  });

  it("hh-rlhf: single-turn prompt becomes a plain instruction, a multi-turn one a conversation; chosen ranked first", async () => {
    const file = writeFile(
      jsonl([
        { chosen: "\n\nHuman: How do I bake bread?\n\nAssistant: Mix flour and water.", rejected: "\n\nHuman: How do I bake bread?\n\nAssistant: No idea." },
        {
          chosen: "\n\nHuman: Hi\n\nAssistant: Hello!\n\nHuman: Tell me a joke\n\nAssistant: Why did the chicken…",
          rejected: "\n\nHuman: Hi\n\nAssistant: Hello!\n\nHuman: Tell me a joke\n\nAssistant: ",
        },
      ]),
    );
    const [single, multi] = await collect(file);
    expect(single).toMatchObject({
      instruction: "How do I bake bread?",
      completions: [
        { text: "Mix flour and water.", source: "import", generator: null },
        { text: "No idea.", source: "import", generator: null },
      ],
      ranking: [[0], [1]],
      meta: { format: "hh-rlhf", turns: 1 },
    });
    // A multi-turn dialogue is a conversation: the last Human turn is the instruction, the exchanges before it its history.
    expect(multi.instruction).toBe("Tell me a joke");
    expect(multi.conversation).toEqual({ system: null, turns: [{ user: "Hi", assistant: "Hello!" }] });
    expect(single.conversation).toBeUndefined();
    expect(multi.completions.map((c) => c.text)).toEqual(["Why did the chicken…", ""]);
    expect(multi.meta.turns).toBe(2);
  });

  it("hh-rlhf: splits at the last Assistant turn the two transcripts share", () => {
    // The chosen reply itself contains a second "Assistant:" turn; splitting chosen at its own
    // last marker would give it a different prompt from rejected.
    const split = splitHhTranscripts(
      "\n\nHuman: Q\n\nAssistant: A1\n\nAssistant: A2",
      "\n\nHuman: Q\n\nAssistant: B",
    );
    expect(split).toEqual({ prompt: "\n\nHuman: Q", chosen: "A1\n\nAssistant: A2", rejected: "B" });
    expect(splitHhTranscripts("\n\nHuman: Q", "\n\nHuman: R")).toBeNull();
  });

  it("trl: strings, message lists and implicit prompts", async () => {
    const file = writeFile(
      jsonl([
        { prompt: "What is 2+2?", chosen: "4", rejected: "5" },
        {
          prompt: [{ role: "user", content: "What is 2+2?" }],
          chosen: [{ role: "assistant", content: "4" }],
          rejected: [{ role: "assistant", content: "5" }],
        },
        {
          chosen: [
            { role: "system", content: "Be brief." },
            { role: "user", content: "Capital of France?" },
            { role: "assistant", content: "Paris" },
          ],
          rejected: [
            { role: "system", content: "Be brief." },
            { role: "user", content: "Capital of France?" },
            { role: "assistant", content: "Lyon" },
          ],
        },
      ]),
    );
    const [plain, conv, implicit] = await collect(file, "trl");
    for (const r of [plain, conv]) {
      expect(r).toMatchObject({ instruction: "What is 2+2?", ranking: [[0], [1]], meta: { format: "trl" } });
      expect(r.completions.map((c) => c.text)).toEqual(["4", "5"]);
    }
    // A system message then a user turn: a conversation's first turn, the system message beside it.
    expect(implicit.instruction).toBe("Capital of France?");
    expect(implicit.conversation).toEqual({ system: "Be brief.", turns: [] });
    expect(implicit.completions.map((c) => c.text)).toEqual(["Paris", "Lyon"]);
  });

  it("alpaca-eval-judgments: preference decides the ranking", async () => {
    const base = { instruction: "Say hi.", dataset: "oasst", output_1: "hi", generator_1: "text_davinci_003", output_2: "hello", generator_2: "gpt4" };
    const file = writeFile(jsonl([1, 2, 0, null, 1.8].map((preference) => ({ ...base, preference }))));
    const rows = await collect(file);
    expect(rows[0].completions).toEqual([
      { text: "hi", source: "import", generator: "text_davinci_003" },
      { text: "hello", source: "import", generator: "gpt4" },
    ]);
    expect(rows.map((r) => r.ranking)).toEqual([[[0], [1]], [[1], [0]], [[0, 1]], null, [[1], [0]]]);
    expect(rows[3].meta).toEqual({ format: "alpaca-eval-judgments", dataset: "oasst", preference: null });
  });

  it("alpaca-eval-outputs and openai-chat", async () => {
    const outputs = await collect(writeFile(jsonl([{ instruction: "Hi?", output: "Hello", generator: "my-model", dataset: "x" }])));
    expect(outputs[0]).toMatchObject({ completions: [{ text: "Hello", source: "import", generator: "my-model" }], meta: { format: "alpaca-eval-outputs" } });
    const chat = await collect(
      writeFile(jsonl([{ messages: [{ role: "user", content: "Hi?" }, { role: "assistant", content: "Hello" }] }])),
    );
    expect(chat[0]).toMatchObject({ instruction: "Hi?", completions: [{ text: "Hello", source: "human" }], meta: { format: "openai-chat" } });
  });
});

describe("detectFormat", () => {
  it("recognizes each format from its first row", () => {
    expect(detectFormat({ instruction: "", input: "", output: "" })).toBe("alpaca");
    expect(detectFormat({ instruction: "", context: "", response: "", category: "" })).toBe("dolly");
    expect(detectFormat({ id: "", instruction: "", instances: [] })).toBe("self-instruct");
    expect(detectFormat({ instruction: "", outputs: [] })).toBe("ranking");
    expect(detectFormat({ chosen: "", rejected: "" })).toBe("hh-rlhf");
    expect(detectFormat({ prompt: "", chosen: "", rejected: "" })).toBe("trl");
    expect(detectFormat({ chosen: [], rejected: [] })).toBe("trl");
    expect(detectFormat({ instruction: "", output_1: "", output_2: "", preference: 1 })).toBe("alpaca-eval-judgments");
    expect(detectFormat({ instruction: "", output: "", generator: "" })).toBe("alpaca-eval-outputs");
    expect(detectFormat({ messages: [] })).toBe("openai-chat");
    expect(detectFormat({ text: "" })).toBeNull();
    expect(detectFormat([1])).toBeNull();
  });

  it("a named format overrides detection", async () => {
    // looks like Alpaca, read as AlpacaEval outputs would fail on the missing generator
    const file = writeFile(jsonl([{ instruction: "Hi", input: "", output: "Hello" }]));
    const err = await importError(file, "alpaca-eval-outputs");
    expect(err.message).toBe('line 1: field "generator": expected a non-empty string');
    expect(await detectFileFormat(file)).toBe("alpaca");
  });

  it("an undetectable first row names its fields", async () => {
    const err = await importError(writeFile(jsonl([{ text: "x", label: 1 }])));
    expect(err.message).toMatch(/^line 1: cannot tell the format from the fields \(text, label\)/);
  });
});

describe("bad rows", () => {
  it("names the line and the field", async () => {
    const rows = Array.from({ length: 16 }, (_, i) => ({ instruction: `Task ${i}`, input: "", output: "ok" }));
    rows.push({ instruction: "   ", input: "", output: "ok" });
    const err = await importError(writeFile(jsonl(rows)));
    expect(err.message).toBe('line 17: field "instruction": expected a non-empty string');
    expect(err.line).toBe(17);
    expect(err.field).toBe("instruction");
    expect(err.code).toBe("bad_request:import");
    expect(err.status).toBe(400);
  });

  it("names nested fields and missing fields", async () => {
    const seed = { instruction: "x", instances: [{ input: "", output: "" }] };
    expect((await importError(writeFile(jsonl([seed])))).message).toBe(
      'line 1: field "instances[0].output": expected a non-empty string',
    );
    const judgment = { instruction: "x", output_1: "a", generator_1: "g", output_2: "b", preference: 1 };
    expect((await importError(writeFile(jsonl([judgment])))).message).toBe(
      'line 1: field "generator_2": expected a non-empty string',
    );
    const ranking = { instruction: "x", outputs: [{ generator: "g", output: 3 }] };
    expect((await importError(writeFile(jsonl([ranking])))).message).toBe('line 1: field "outputs[0].output": expected a string');
  });

  it("reports invalid JSON with its line, counting blank lines", async () => {
    const file = writeFile(`${JSON.stringify({ instruction: "a", input: "", output: "b" })}\n\n{"instruction": "c",\n`);
    const err = await importError(file);
    expect(err.message).toMatch(/^line 3: invalid JSON/);
  });

  it("rejects a row that is not an object", async () => {
    const file = writeFile(`${JSON.stringify({ instruction: "a", input: "", output: "b" })}\n42\n`);
    expect((await importError(file)).message).toBe("line 2: expected a JSON object");
  });
});

describe("input handling", () => {
  const rows = [
    { instruction: "One", input: "", output: "1" },
    { instruction: "Two", input: "", output: "2" },
  ];

  it("detects gzip by magic bytes whatever the extension", async () => {
    const gz = gzipSync(jsonl(rows));
    for (const name of ["data.jsonl.gz", "data-no-gz.jsonl", "data.bin"]) {
      const records = await collect(writeFile(gz, name));
      expect(records.map((r) => r.instruction)).toEqual(["One", "Two"]);
    }
  });

  it("reads a Readable, CRLF line ends and a BOM", async () => {
    const text = "\ufeff" + jsonl(rows).replaceAll("\n", "\r\n");
    const records = await collect(Readable.from([Buffer.from(text)]));
    expect(records.map((r) => [r.line, r.instruction])).toEqual([[1, "One"], [2, "Two"]]);
  });

  it("streams a top-level JSON array, with the line each element starts on", async () => {
    const tricky = { instruction: 'Brackets ] } [ { , and "quotes" \\ and\nnewlines', input: "", output: "[1, 2]" };
    const file = writeFile(JSON.stringify([rows[0], tricky, rows[1]], null, 2), "alpaca_data.json");
    const records = await collect(file);
    expect(records.map((r) => r.instruction)).toEqual(["One", tricky.instruction, "Two"]);
    // JSON.stringify(…, null, 2): "[" on line 1, each 3-field object spans 5 lines from line 2
    expect(records.map((r) => r.line)).toEqual([2, 7, 12]);
    // gzipped array too
    const gzRecords = await collect(writeFile(gzipSync(JSON.stringify([rows[0], tricky])), "array.json.gz"));
    expect(gzRecords[1].instruction).toBe(tricky.instruction);
  });

  it("handles empty files and empty arrays, rejects malformed arrays", async () => {
    expect(await collect(writeFile(""))).toEqual([]);
    expect(await collect(writeFile(" [ ] \n"))).toEqual([]);
    const truncated = await importError(writeFile(`[${JSON.stringify(rows[0])},\n${JSON.stringify(rows[1])}`));
    expect(truncated.message).toMatch(/JSON array is not closed/);
    const trailingComma = await importError(writeFile(`[${JSON.stringify(rows[0])},]`));
    expect(trailingComma.message).toMatch(/^line 1: unexpected "\]"/);
    const afterEnd = await importError(writeFile(`[${JSON.stringify(rows[0])}]\n{}`));
    expect(afterEnd.message).toMatch(/^line 2: unexpected content after the end/);
    const badElement = await importError(writeFile(`[\n${JSON.stringify(rows[0])},\n{"instruction": }\n]`));
    expect(badElement.message).toMatch(/^line 3: invalid JSON/);
  });

  it("stops reading and closes the source when the consumer stops early", async () => {
    let pulled = 0;
    async function* many() {
      for (let i = 0; i < 1_000_000; i++) {
        pulled++;
        yield Buffer.from(JSON.stringify({ instruction: `Task ${i}`, input: "", output: "x" }) + "\n");
      }
    }
    const source = Readable.from(many());
    for await (const r of parseImportFile(source)) if (r.line === 3) break;
    await vi.waitFor(() => expect(source.destroyed).toBe(true));
    expect(pulled).toBeLessThan(100_000);
  });
});

describe("contentHash", () => {
  it("is the same for the same content, so a re-import adds nothing", async () => {
    const file = writeFile(jsonl([{ instruction: "Say hi", input: "", output: "hi" }, { instruction: "Say hi", input: "", output: "hi" }]));
    const [a, b] = await collect(file);
    expect(contentHash(a)).toBe(contentHash(b));
    expect(contentHash(a)).toMatch(/^[0-9a-f]{64}$/);
  });

  it("changes with instruction, input, completion text, generator and ranking", () => {
    const base = {
      instruction: "Say hi",
      input: null,
      completions: [{ text: "hi", source: "import" as const, generator: "m1" }, { text: "hello", source: "import" as const, generator: "m2" }],
      ranking: [[0], [1]],
    };
    const h = contentHash(base);
    expect(contentHash({ ...base, instruction: "Say hi!" })).not.toBe(h);
    expect(contentHash({ ...base, input: "" })).not.toBe(h);
    expect(contentHash({ ...base, ranking: [[1], [0]] })).not.toBe(h);
    expect(contentHash({ ...base, ranking: null })).not.toBe(h);
    expect(contentHash({ ...base, completions: [base.completions[0], { ...base.completions[1], generator: null }] })).not.toBe(h);
    expect(contentHash({ ...base, completions: [base.completions[0], { ...base.completions[1], text: "hello " }] })).not.toBe(h);
    // source and meta are not content
    expect(contentHash({ ...base, completions: base.completions.map((c) => ({ ...c, source: "human" as const })) })).toBe(h);
    // pinned, so the definition cannot drift silently (stored hashes would stop matching)
    expect(h).toBe(contentHash(JSON.parse(JSON.stringify(base))));
  });
});
