// Imports the real datasets in ../shared/data (when present) and checks counts, mappings and that streaming keeps
// heap growth bounded (under 256 MB for a whole dataset, under half the file for a ~230 MB file).
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { createWriteStream } from "node:fs";
import { once } from "node:events";
import { createGzip } from "node:zlib";
import { afterAll, describe, expect, it } from "vitest";
import { contentHash, detectFileFormat, parseImportFile, type ImportRecord } from "@/lib/formats/import";

const here = path.dirname(fileURLToPath(import.meta.url));
const repoRoot = path.resolve(here, "../../../..");
// The shared data folder sits beside the repo (../shared); a checkout may also carry it at shared/.
const dataDir = [path.join(repoRoot, "../shared/data"), path.join(repoRoot, "shared/data")].find((d) =>
  existsSync(path.join(d, "alpaca-seed-tasks.jsonl")),
);
const missing = !dataDir;
const data = (name: string) => path.join(dataDir ?? "", name);
const why = "shared/data is absent (an outside clone): real-data import checks skipped";

async function importAll(file: string): Promise<{ records: ImportRecord[]; peakHeapGrowth: number }> {
  const before = process.memoryUsage().heapUsed;
  let peak = 0;
  const records: ImportRecord[] = [];
  for await (const r of parseImportFile(file)) {
    records.push(r);
    if (records.length % 200 === 0) peak = Math.max(peak, process.memoryUsage().heapUsed - before);
  }
  return { records, peakHeapGrowth: peak };
}

describe.skipIf(missing)(`real data (${missing ? why : dataDir})`, () => {
  it("alpaca-seed-tasks.jsonl: 175 self-instruct seed tasks", async () => {
    const file = data("alpaca-seed-tasks.jsonl");
    expect(await detectFileFormat(file)).toBe("self-instruct");
    const { records } = await importAll(file);
    expect(records).toHaveLength(175);
    expect(records.every((r) => r.completions.length === 1 && r.completions[0].source === "human")).toBe(true);
    expect(records[1]).toMatchObject({
      line: 2,
      instruction: "What is the relation between the given pairs?",
      input: "Night : Day :: Right : Left",
      meta: { taskId: "seed_task_1", taskName: "antonym_relation" },
    });
    expect(new Set(records.map(contentHash)).size).toBe(175);
  });

  it("alpaca-eval-ranking-tasks.jsonl.gz: 600 instructions with 4 attributed outputs each", async () => {
    const file = data("alpaca-eval-ranking-tasks.jsonl.gz");
    expect(await detectFileFormat(file)).toBe("ranking");
    const { records } = await importAll(file);
    expect(records).toHaveLength(600);
    for (const r of records) {
      expect(r.completions).toHaveLength(4);
      expect(r.completions.every((c) => c.source === "import" && c.generator)).toBe(true);
      expect(r.ranking).toBeNull();
    }
  });

  it("hh-rlhf-harmless-test.jsonl.gz: 2312 preference pairs", async () => {
    const file = data("hh-rlhf-harmless-test.jsonl.gz");
    expect(await detectFileFormat(file)).toBe("hh-rlhf");
    const { records } = await importAll(file);
    expect(records).toHaveLength(2312);
    expect(records.every((r) => r.completions.length === 2 && JSON.stringify(r.ranking) === "[[0],[1]]")).toBe(true);
    // Dialogues are conversations: the last Human turn is the instruction, earlier turns alternate user/assistant.
    expect(records[0].conversation?.turns[0].user).toBe("what are some pranks with a pen i can do?");
    const multi = records.filter((r) => r.conversation?.turns.length);
    expect(multi.length).toBe(1650);
    expect(records.every((r) => !r.instruction.includes("\n\nHuman:") && !r.instruction.startsWith("Human:"))).toBe(true);
    // No prompt keeps a transcript marker at its end, and no reply starts with one.
    for (const r of records) {
      expect(r.instruction.endsWith("Assistant:")).toBe(false);
      for (const c of r.completions) expect(c.text.startsWith("Assistant:")).toBe(false);
    }
    // a few rows prefer an empty reply; they are kept, not rejected
    expect(records.filter((r) => r.completions[0].text === "").length).toBe(4);
  });

  it("alpaca-eval-judgments.jsonl.gz: every row, rankings that reproduce the published win counts", async () => {
    const file = data("alpaca-eval-judgments.jsonl.gz");
    expect(await detectFileFormat(file)).toBe("alpaca-eval-judgments");
    const { records, peakHeapGrowth } = await importAll(file);
    expect(records).toHaveLength(8050);
    const byRanking = { first: 0, second: 0, tie: 0, none: 0 };
    for (const r of records) {
      const key = JSON.stringify(r.ranking);
      if (key === "[[0],[1]]") byRanking.first++;
      else if (key === "[[1],[0]]") byRanking.second++;
      else if (key === "[[0,1]]") byRanking.tie++;
      else if (r.ranking === null) byRanking.none++;
    }
    // preference counts in the file: 1 → 1940, 2 → 6061, 0 → 45, null → 4
    expect(byRanking).toEqual({ first: 1940, second: 6061, tie: 45, none: 4 });

    // Wins and draws of each model (output_2) against text_davinci_003 match the leaderboard file.
    const leaderboard = JSON.parse(readFileSync(data("alpaca-eval-leaderboard.json"), "utf8")) as Array<{
      model: string;
      n_wins: string;
      n_draws: string;
      n_total: string;
    }>;
    for (const row of leaderboard) {
      const judged = records.filter((r) => r.completions[1].generator === row.model && r.ranking !== null);
      expect(judged.every((r) => r.completions[0].generator === "text_davinci_003")).toBe(true);
      const wins = judged.filter((r) => r.ranking![0].length === 1 && r.ranking![0][0] === 1).length;
      const draws = judged.filter((r) => r.ranking!.length === 1).length;
      expect({ model: row.model, wins, draws, total: judged.length }).toEqual({
        model: row.model,
        wins: Number(row.n_wins),
        draws: Number(row.n_draws),
        total: Number(row.n_total),
      });
    }
    // The records themselves are kept in this test; the parser's own footprint is small.
    expect(peakHeapGrowth).toBeLessThan(256 * 1024 * 1024);
  });
});

describe("memory", () => {
  const dir = mkdtempSync(path.join(tmpdir(), "tuneloop-import-mem-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  // ~230 MB of rows: heap growth while streaming must stay far below the file size.
  const ROWS = 240_000;
  const filler = "The quick brown fox jumps over the lazy dog while the annotator writes a careful answer. ".repeat(5);

  async function writeRows(file: string, asArray: boolean): Promise<number> {
    const gz = createGzip({ level: 1 });
    const out = gz.pipe(createWriteStream(file));
    let bytes = 0;
    let batch: string[] = [];
    const flush = async () => {
      const s = batch.join("");
      batch = [];
      bytes += s.length;
      if (!gz.write(s)) await once(gz, "drain");
    };
    if (asArray) batch.push("[\n");
    for (let i = 0; i < ROWS; i++) {
      const row = JSON.stringify({ instruction: `Task ${i}: ${filler}`, input: "", output: `${filler}${i}` });
      batch.push(asArray ? `${i ? ",\n" : ""}${row}` : `${row}\n`);
      if (batch.length === 2000) await flush();
    }
    if (asArray) batch.push("\n]\n");
    await flush();
    gz.end();
    await once(out, "finish");
    return bytes;
  }

  for (const asArray of [false, true]) {
    it(`streams a ~230 MB ${asArray ? "JSON array" : "JSONL"} file without holding it`, async () => {
      const file = path.join(dir, asArray ? "big.json.gz" : "big.jsonl.gz");
      const bytes = await writeRows(file, asArray);
      expect(bytes).toBeGreaterThan(200_000_000);
      const before = process.memoryUsage().heapUsed;
      let peak = 0;
      let n = 0;
      for await (const r of parseImportFile(file)) {
        n++;
        if (n % 500 === 0) peak = Math.max(peak, process.memoryUsage().heapUsed - before);
        if (n === ROWS) expect(r.completions[0].text.endsWith(String(ROWS - 1))).toBe(true);
      }
      expect(n).toBe(ROWS);
      // Measured 28–55 MB (uncollected garbage included) against ~230 MB of text.
      expect(peak).toBeLessThan(bytes / 2);
    }, 60_000);
  }
});
