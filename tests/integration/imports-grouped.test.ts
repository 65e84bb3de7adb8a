// Grouped imports on a real database: AlpacaEval judgments grouped by instruction, outputs stored once per generator, joining the project's existing prompts, re-import adds nothing.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import readline from "node:readline";
import { createGunzip } from "node:zlib";
import { afterAll, expect, it } from "vitest";
import { count, eq, inArray } from "drizzle-orm";
import { getDb } from "@/db/client";
import { completions, projects, prompts, rankings } from "@/db/schema";
import { importFile } from "@/lib/imports/import-file";
import { createProject } from "@/lib/projects/projects";
import { makeActor } from "../helpers/actors";
import { describeEachDatabase } from "../helpers/db";

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "tuneloop-grouped-"));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
let n = 0;
const writeJsonl = (rows: unknown[]) => {
  const file = path.join(dir, `g${n++}.jsonl`);
  fs.writeFileSync(file, rows.map((r) => JSON.stringify(r)).join("\n") + "\n");
  return file;
};
const dataDir = path.resolve(import.meta.dirname, "../../../shared/data");
const judgmentsFile = path.join(dataDir, "alpaca-eval-judgments.jsonl.gz");
const tasksFile = path.join(dataDir, "alpaca-eval-ranking-tasks.jsonl.gz");
const hasShared = fs.existsSync(judgmentsFile) && fs.existsSync(tasksFile);

/** Every row of a (gzipped) JSONL file, read with Node alone: the reference the importer is checked against. */
async function readRows(file: string): Promise<Array<Record<string, unknown>>> {
  const rows: Array<Record<string, unknown>> = [];
  for await (const line of readline.createInterface({ input: fs.createReadStream(file).pipe(createGunzip()) })) if (line.trim()) rows.push(JSON.parse(line));
  return rows;
}

async function tableCounts(projectSlug: string) {
  const db = getDb();
  const ids = (await db.select({ id: prompts.id }).from(prompts).innerJoin(projects, eq(projects.id, prompts.projectId)).where(eq(projects.slug, projectSlug))).map((r) => r.id);
  if (!ids.length) return { prompts: 0, completions: 0, rankings: 0 };
  const [[c], [r]] = await Promise.all([
    db.select({ n: count() }).from(completions).where(inArray(completions.promptId, ids)),
    db.select({ n: count() }).from(rankings).where(inArray(rankings.promptId, ids)),
  ]);
  return { prompts: ids.length, completions: c.n, rankings: r.n };
}

/** The judgments of three instructions against one baseline, as AlpacaEval writes them. */
const base = { "Name a colour.": "Blue.", "Count to three.": "1, 2, 3", "Say hi.": "Hi" };
const judgments = [
  // preference 2: the model's output is better
  { instruction: "Name a colour.", output_1: "Blue.", generator_1: "davinci", output_2: "Red is a colour.", generator_2: "gpt4", preference: 2 },
  { instruction: "Name a colour.", output_1: "Blue.", generator_1: "davinci", output_2: "Green", generator_2: "claude", preference: 1 },
  // the same text as the baseline's from another model: a tie, kept as two attributed completions
  { instruction: "Name a colour.", output_1: "Blue.", generator_1: "davinci", output_2: "Blue.", generator_2: "alpaca", preference: 0 },
  { instruction: "Count to three.", output_1: "1, 2, 3", generator_1: "davinci", output_2: "one two three", generator_2: "gpt4", preference: 1 },
  // no judgment: outputs stored, no ranking
  { instruction: "Count to three.", output_1: "1, 2, 3", generator_1: "davinci", output_2: "1 2 3", generator_2: "claude", preference: null },
  { instruction: "Say hi.", output_1: "Hi", generator_1: "davinci", output_2: "Hello!", generator_2: "gpt4", preference: 2 },
];

describeEachDatabase("grouped imports", () => {
  it("groups judgments by instruction: one prompt each, each generator's output once, a ranking per judgment with a preference", async () => {
    const admin = await makeActor("admin");
    await createProject(admin, { slug: "eval", name: "Eval" });
    const s = await importFile(admin, { projectSlug: "eval", path: writeJsonl(judgments) });
    // 3 instructions; completions: 3 baselines + 6 model outputs; rankings: 5 with a preference.
    expect(s).toMatchObject({ format: "alpaca-eval-judgments", rowsRead: 6, prompts: 3, joined: 0, completions: 9, rankings: 5, duplicatesSkipped: 0 });
    expect(await tableCounts("eval")).toEqual({ prompts: 3, completions: 9, rankings: 5 });

    const db = getDb();
    for (const [instruction, baseline] of Object.entries(base)) {
      const [p] = await db.select().from(prompts).where(eq(prompts.instruction, instruction));
      const cs = await db.select().from(completions).where(eq(completions.promptId, p.id));
      expect(cs.filter((c) => c.generator === "davinci").map((c) => c.text), instruction).toEqual([baseline]);
      expect(new Set(cs.map((c) => c.generator)).size, instruction).toBe(cs.length);
    }
    const [colour] = await db.select().from(prompts).where(eq(prompts.instruction, "Name a colour."));
    const cs = await db.select().from(completions).where(eq(completions.promptId, colour.id));
    const gen = (id: string) => cs.find((c) => c.id === id)!.generator;
    const orders = (await db.select().from(rankings).where(eq(rankings.promptId, colour.id))).map((r) => r.order.map((g) => g.map(gen).sort()));
    expect(orders.map((o) => JSON.stringify(o)).sort()).toEqual(
      [[["alpaca", "davinci"]], [["davinci"], ["claude"]], [["gpt4"], ["davinci"]]].map((o) => JSON.stringify(o)).sort(),
    );

    // Re-import: nothing new, every row a duplicate.
    const before = await tableCounts("eval");
    expect(await importFile(admin, { projectSlug: "eval", path: writeJsonl(judgments) })).toMatchObject({ prompts: 0, joined: 0, completions: 0, rankings: 0, duplicatesSkipped: 6 });
    expect(await tableCounts("eval")).toEqual(before);
    // A new judgment of a known instruction joins its prompt: only the new output and ranking are added.
    const more = [{ instruction: "Say hi.", output_1: "Hi", generator_1: "davinci", output_2: "Hey", generator_2: "claude", preference: 1 }];
    expect(await importFile(admin, { projectSlug: "eval", path: writeJsonl(more) })).toMatchObject({ prompts: 0, joined: 1, completions: 1, rankings: 1, duplicatesSkipped: 0 });

    // All or nothing: 600 good judgments (a first batch of 500 already written in the transaction) and a bad row.
    const settled = await tableCounts("eval");
    const many: unknown[] = Array.from({ length: 600 }, (_, i) => ({ instruction: `Task ${i % 50}`, output_1: "base", generator_1: "davinci", output_2: `out ${i}`, generator_2: `m${i}`, preference: 1 }));
    many.push({ instruction: "Say hi.", output_1: "Hi", generator_1: "davinci", output_2: "Yo", generator_2: "m", preference: 3 });
    await expect(importFile(admin, { projectSlug: "eval", path: writeJsonl(many) })).rejects.toMatchObject({ status: 400, line: 601, field: "preference" });
    expect(await tableCounts("eval")).toEqual(settled);
  });

  it("joins prompts the project already has (a ranking task of the same instruction), outputs of the same text and generator join its completions, and says how many joined", async () => {
    const admin = await makeActor("admin");
    await createProject(admin, { slug: "eval", name: "Eval" });
    const tasks = [
      { instruction: "Name a colour.", outputs: [{ generator: "gpt4", output: "Red is a colour." }, { generator: "llama", output: "Yellow" }] },
      { instruction: "Unrelated task.", outputs: [{ generator: "gpt4", output: "x" }] },
    ];
    expect(await importFile(admin, { projectSlug: "eval", path: writeJsonl(tasks) })).toMatchObject({ format: "ranking", prompts: 2, completions: 3 });
    const s = await importFile(admin, { projectSlug: "eval", path: writeJsonl(judgments) });
    // "Name a colour." joins the task's prompt; gpt4's output is the task's text: 3 new completions there (davinci, claude,
    // alpaca), and 3 + 2 on the two new prompts.
    expect(s).toMatchObject({ prompts: 2, joined: 1, completions: 3 + 5, rankings: 5, duplicatesSkipped: 0 });
    expect(await tableCounts("eval")).toEqual({ prompts: 4, completions: 3 + 8, rankings: 5 });
    const [colour] = await getDb().select().from(prompts).where(eq(prompts.instruction, "Name a colour."));
    const cs = await getDb().select().from(completions).where(eq(completions.promptId, colour.id));
    expect(cs.map((c) => c.generator).sort()).toEqual(["alpaca", "claude", "davinci", "gpt4", "llama"]);
    // The task file again: joins nothing new, adds nothing.
    expect(await importFile(admin, { projectSlug: "eval", path: writeJsonl(tasks) })).toMatchObject({ prompts: 0, joined: 0, completions: 0, duplicatesSkipped: 2 });
  });

  it.skipIf(!hasShared)("real AlpacaEval files: 805 prompts from 8,050 judgments, ranking tasks joined, a re-import adds nothing (needs ../shared/data)", async () => {
    const rows = await readRows(judgmentsFile);
    const taskRows = await readRows(tasksFile);
    const instructions = new Set(rows.map((r) => r.instruction as string));
    const outputs = new Set(rows.flatMap((r) => [1, 2].map((i) => JSON.stringify([r.instruction, r[`generator_${i}`], r[`output_${i}`]]))));
    const judged = rows.filter((r) => r.preference !== null && r.preference !== undefined).length;
    const taskInstructions = new Set(taskRows.map((r) => r.instruction as string));
    const shared = [...taskInstructions].filter((i) => instructions.has(i)).length;
    const taskOutputs = new Set(taskRows.flatMap((r) => (r.outputs as Array<{ generator: string; output: string }>).map((o) => JSON.stringify([r.instruction, o.generator, o.output]))));
    const sameOutputs = [...outputs].filter((o) => taskOutputs.has(o)).length;
    expect(rows).toHaveLength(8050);
    expect(instructions.size).toBe(805);

    const admin = await makeActor("admin");
    await createProject(admin, { slug: "eval", name: "Eval" });
    const started = Date.now();
    const s = await importFile(admin, { projectSlug: "eval", path: judgmentsFile });
    const ms = Date.now() - started;
    expect(s).toMatchObject({ rowsRead: 8050, prompts: instructions.size, joined: 0, completions: outputs.size, rankings: judged, duplicatesSkipped: 0 });
    expect(await tableCounts("eval")).toEqual({ prompts: 805, completions: outputs.size, rankings: judged });
    const baselines = await getDb().select({ n: count() }).from(completions).where(eq(completions.generator, "text_davinci_003"));
    expect(baselines[0].n).toBe(805);
    console.log(`alpaca-eval judgments: ${s.prompts} prompts, ${s.completions} completions, ${s.rankings} rankings from 8050 rows in ${ms} ms`);
    const again = await importFile(admin, { projectSlug: "eval", path: judgmentsFile });
    expect(again).toMatchObject({ prompts: 0, joined: 0, completions: 0, rankings: 0, duplicatesSkipped: 8050 });

    // Ranking tasks first, then the judgments: each shared instruction joins its task prompt.
    await createProject(admin, { slug: "both", name: "Both" });
    expect(await importFile(admin, { projectSlug: "both", path: tasksFile })).toMatchObject({ prompts: 600, completions: 2400 });
    const joined = await importFile(admin, { projectSlug: "both", path: judgmentsFile });
    expect(shared).toBeGreaterThan(0);
    expect(joined).toMatchObject({ prompts: instructions.size - shared, joined: shared, completions: outputs.size - sameOutputs, rankings: judged });
    expect(await tableCounts("both")).toEqual({ prompts: 600 + instructions.size - shared, completions: 2400 + outputs.size - sameOutputs, rankings: judged });
  });
});
