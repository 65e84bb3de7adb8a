// UltraFeedback rows (the shape of openbmb/UltraFeedback) parsed into a prompt, attributed completions, a ranking by mean aspect rating, and the ratings, rationales and critiques in meta.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { detectFormat, ImportRowError, parseImportFile, type ImportRecord } from "@/lib/formats/import";

const dir = mkdtempSync(path.join(tmpdir(), "tuneloop-uf-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;
const file = (rows: unknown[]) => {
  const f = path.join(dir, `uf${n++}.jsonl`);
  writeFileSync(f, rows.map((r) => JSON.stringify(r)).join("\n") + "\n");
  return f;
};
async function collect(f: string): Promise<ImportRecord[]> {
  const out: ImportRecord[] = [];
  for await (const r of parseImportFile(f)) out.push(r);
  return out;
}
const aspects = (h: string | number, o: string | number, i: string | number, t: string | number) => ({
  helpfulness: { Rating: h, Rationale: "h why", "Rationale For Rating": "x", Type: ["1"] },
  honesty: { Rating: o, Rationale: "o why" },
  instruction_following: { Rating: i, Rationale: "i why" },
  truthfulness: { Rating: t, Rationale: "t why", Type: ["0"] },
});
const row = {
  source: "evol_instruct",
  instruction: "Name a prime number.",
  models: ["m-a", "m-b", "m-c"],
  completions: [
    { model: "m-a", principle: "helpfulness", custom_system_prompt: "be helpful", response: "9", annotations: aspects("2", "3", "2", "1"), critique: "9 is not prime.", overall_score: 3 },
    { model: "m-b", principle: "honesty", response: "7", annotations: aspects("5", "5", "4", "5"), critique: "Right.", overall_score: 9 },
    { model: "m-c", principle: "truthfulness", response: "11", annotations: aspects("4", "N/A", "5", "5"), critique: "Also right.", overall_score: 8.5 },
  ],
  correct_answers: ["7"],
};

describe("UltraFeedback import", () => {
  it("is detected from its fields and ranks completions by mean aspect rating", async () => {
    expect(detectFormat(row)).toBe("ultrafeedback");
    const [r] = await collect(file([row]));
    expect(r.instruction).toBe("Name a prime number.");
    expect(r.completions).toEqual([
      { text: "9", source: "import", generator: "m-a" },
      { text: "7", source: "import", generator: "m-b" },
      { text: "11", source: "import", generator: "m-c" },
    ]);
    // means: m-a 8/4 = 2, m-b 19/4 = 4.75, m-c (4+5+5)/3 ≈ 4.667 ("N/A" left out)
    expect(r.ranking).toEqual([[1], [2], [0]]);
    const uf = r.meta.ultrafeedback as Array<Record<string, unknown>>;
    expect(uf[2]).toEqual({
      model: "m-c",
      ratings: { helpfulness: 4, honesty: null, instruction_following: 5, truthfulness: 5 },
      rationales: { helpfulness: "h why", honesty: "o why", instruction_following: "i why", truthfulness: "t why" },
      critique: "Also right.",
      overallScore: 8.5,
      meanRating: 14 / 3,
    });
    expect(r.meta).toMatchObject({ format: "ultrafeedback", dataset: "evol_instruct" });
  });

  it("ties equal means in one group", async () => {
    const tied = { ...row, completions: [row.completions[0], { ...row.completions[0], model: "m-z", response: "15" }] };
    const [r] = await collect(file([tied]));
    expect(r.ranking).toEqual([[0, 1]]);
  });

  it("refuses a rating out of range with its line and field, all or nothing", async () => {
    const bad = { ...row, completions: [row.completions[0], { ...row.completions[1], annotations: aspects("6", "5", "4", "5") }] };
    const err = await collect(file([row, row, bad])).then(
      () => null,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(ImportRowError);
    expect((err as ImportRowError).message).toMatch(/^line 3: field "completions\[1\]\.annotations\.helpfulness/);
    expect((err as ImportRowError).message, (err as ImportRowError).message).toContain("1–5");
  });
});
