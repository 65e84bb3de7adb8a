// Diversity report on the 175 Alpaca (Self-Instruct) seed tasks in ../shared/data, and its parts on small inputs.
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { categoryRows, diversityReport, histogram } from "@/lib/diversity/report";
import { verbObject } from "@/lib/diversity/verb-object";
import { skipBecause } from "../../helpers/skip";

const repoRoot = path.resolve(__dirname, "../../..");
const seedFile = [path.join(repoRoot, "../shared/data/alpaca-seed-tasks.jsonl"), path.join(repoRoot, "shared/data/alpaca-seed-tasks.jsonl")].find((f) => existsSync(f));

describe("verb and direct object", () => {
  it.each([
    ["Write a story about a dog.", "write", "story"],
    ["Give me a cooking recipe for the following food.", "give", "recipe"],
    ["Suggest some games that can be played by a group of people.", "suggest", "game"],
    ["Using the facts given, write a question-answer pair.", "write", "pair"],
    ["Given a description of the symptom, identify the possible disease and suggest some medicine.", "identify", "disease"],
    ["What is the relation between the given pairs?", null, null],
  ])("%j → %s / %s", (text, verb, object) => {
    expect(verbObject(text)).toEqual({ verb, object });
  });
});

describe("report parts", () => {
  it("category shares and gaps against targets", () => {
    const rows = categoryRows(new Map([["coding", 3], ["chat", 1]]), ["coding", "chat", "math"], { coding: 0.5, chat: 0.25, math: 0.25 });
    expect(rows).toEqual([
      { category: "coding", count: 3, share: 0.75, target: 0.5, gap: -0.25 },
      { category: "chat", count: 1, share: 0.25, target: 0.25, gap: 0 },
      { category: "math", count: 0, share: 0, target: 0.25, gap: 0.25 },
    ]);
  });
  it("length histogram", () => {
    const h = histogram([1, 4, 7, 30, 30]);
    expect(h.bins.map((b) => b.count)).toEqual([2, 1, 0, 2]);
    expect(h.median).toBe(7);
  });
});

describe("the Alpaca seed tasks", () => {
  it("top verbs and objects, context split, near-duplicates", async (ctx) => {
    if (!seedFile) skipBecause(ctx, "../shared/data/alpaca-seed-tasks.jsonl is absent (an outside clone): seed-task diversity check skipped");
    const rows = readFileSync(seedFile, "utf8").trim().split("\n").map((l) => JSON.parse(l) as { id: string; instruction: string; instances: Array<{ input: string; output: string }>; is_classification: boolean });
    const prompts = rows.map((r, i) => ({ id: `00000000-0000-4000-8000-${String(i).padStart(12, "0")}`, instruction: r.instruction, input: r.instances[0].input || null, category: r.is_classification ? "classification" : "generation", responseWords: [r.instances[0].output.split(/\s+/).length] }));
    const report = await diversityReport(prompts, { categories: ["classification", "generation"] });
    expect(report.prompts).toBe(175);
    const verbs = report.verbs.map((v) => v.verb);
    // What the data shows (Self-Instruct's Figure 2 for its generated data leads with write, give, generate, …):
    // write 23, give 9, generate 8, tell 8, explain 6, create 5 on these seeds.
    expect(verbs.slice(0, 3)).toEqual(["write", "give", "generate"]);
    expect(verbs.slice(0, 8)).toEqual(expect.arrayContaining(["tell", "explain", "create"]));
    expect(report.verbs[0]).toMatchObject({ verb: "write", count: 23 });
    expect(report.verbs.find((v) => v.verb === "give")!.objects.map((o) => o.object)).toContain("example");
    expect(report.verbs.find((v) => v.verb === "make")!.objects[0]).toEqual({ object: "list", count: 3 });
    // Two in three seed instructions open with an imperative verb; the rest are questions or statements.
    expect(report.verbSample.withVerb).toBeGreaterThan(120);
    expect(report.context.instructionOnly + report.context.withInput).toBe(175);
    expect(report.context.withInput).toBe(prompts.filter((p) => p.input).length);
    expect(report.categories.find((c) => c.category === "classification")!.count).toBe(rows.filter((r) => r.is_classification).length);
    expect(report.instructionWords.n).toBe(175);
    // The seed set was deduplicated by its authors: no near-duplicate clusters at 0.8.
    expect(report.nearDuplicates.clusters).toEqual([]);
    // compromise parses ~15 ms an instruction: 175 take 3-4 s alone, more on a loaded machine.
  }, 30_000);
});
