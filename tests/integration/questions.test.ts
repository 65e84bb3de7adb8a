// A composed task form end to end on a real database: answers submitted with rankings, per-question consensus, and the export's rating pairs, strength margin, KTO rows and metadata against a hand-computed expectation.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { expect, it } from "vitest";
import { eq } from "drizzle-orm";
import { describeEachDatabase } from "../helpers/db";
import { makeActor } from "../helpers/actors";
import { seedProject, seedPrompts } from "../helpers/seed";
import { withInput } from "../helpers/input";
import { getDb } from "@/db/client";
import { projects, rankings, type Answers, type Question } from "@/db/schema";
import { createExport, reexportSnapshot } from "@/lib/exports/snapshot";
import { nextTask } from "@/lib/rankings/tasks";
import { submitRanking } from "@/lib/rankings/submit";
import { promptQuestionConsensus } from "@/lib/consensus/questions";
import { submitRankingInput } from "@/lib/validation/rankings";
import { createExportInput } from "@/lib/validation/exports";
import { importFile } from "@/lib/imports/import-file";
import { updateProject } from "@/lib/projects/projects";
import { getRankingForRevision } from "@/lib/rankings/mine";
import { updateProjectInput } from "@/lib/validation/projects";
import { getProjectBySlug } from "@/db/queries/projects";

const form: Question[] = [
  { id: "ranking", type: "ranking", title: "Rank", required: true },
  { id: "quality", type: "rating", title: "Rate each output", required: true, min: 1, max: 5, criteria: [{ name: "helpfulness", description: "Does it help?" }, { name: "honesty" }] },
  { id: "strength", type: "pairwise", title: "How much better is A than B?", required: false },
  { id: "critique", type: "text", title: "Critique", required: false, maxLength: 500 },
  { id: "errors", type: "span", title: "Mark errors", required: false, labels: ["factual error", "unsafe"] },
];
const readJsonl = (file: string) => fs.readFileSync(file, "utf8").split("\n").filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>);
const sig = (z: number) => 1 / (1 + Math.exp(-z));

describeEachDatabase("composed questions", () => {
  it("stores answers, agrees per question, and exports rating pairs, the strength margin and KTO rows", async () => {
    const admin = await makeActor("admin");
    const project = await seedProject({ settings: { k: 3, overlap: 3, agreementThreshold: 0, questions: form } });
    await seedPrompts(project.id, 1, 3);
    const people = await Promise.all([0, 1, 2].map(() => makeActor("annotator")));
    // Outputs x0 < x1 < x2 by text. Ratings (helpfulness, honesty) by annotator:
    //   x0: (5,4) (4,4) (5,5) → means 14/3, 13/3 → overall 4.5
    //   x1: (3,3) (3,2) (4,3) → means 10/3, 8/3  → overall 3
    //   x2: (1,2) (2,2) (1,1) → means 4/3, 5/3   → overall 1.5
    const ratings = [
      [[5, 4], [3, 3], [1, 2]],
      [[4, 4], [3, 2], [2, 2]],
      [[5, 5], [4, 3], [1, 1]],
    ];
    let promptId = "";
    const ids: string[] = [];
    for (const [i, person] of people.entries()) {
      const t = (await nextTask(person, { projectSlug: "demo" }))!;
      promptId = t.prompt.id;
      const sorted = [...t.outputs].sort((a, b) => a.text.localeCompare(b.text));
      ids.splice(0, 3, ...sorted.map((o) => o.id));
      const [x0, x1, x2] = ids;
      const answers: Answers = {
        quality: Object.fromEntries(sorted.map((o, j) => [o.id, { helpfulness: ratings[i][j][0], honesty: ratings[i][j][1] }])),
        // x0 ≫ x1, then x0 > x1 seen with the sides swapped; the third annotator leaves it
        ...(i === 0 ? { strength: { a: x0, b: x1, strength: 2 }, critique: "The last one is wrong.", errors: [{ completionId: x2, start: 0, end: 6, label: "factual error" }] } : {}),
        ...(i === 1 ? { strength: { a: x1, b: x0, strength: -1 }, critique: "" } : {}),
      };
      const raw = { assignmentId: t.assignmentId, order: sorted.map((o) => [o.id]), idempotencyKey: `questions-${i}-key`, answers };
      await withInput(submitRankingInput, raw, (input) => submitRanking(person, input));
    }
    const [x0, x1, x2] = ids;

    const stored = await getDb().select().from(rankings).where(eq(rankings.promptId, promptId));
    expect(stored).toHaveLength(3);
    const first = stored.find((r) => r.annotatorId === people[0].id)!;
    expect(first.answers.errors).toEqual([{ completionId: x2, start: 0, end: 6, label: "factual error" }]);
    // Revising pre-fills the earlier answers, in the form's order.
    const revision = await getRankingForRevision(people[0], first.id);
    expect(Object.keys(revision.answers)).toEqual(["quality", "strength", "critique", "errors"]);
    expect(revision.answers).toEqual(first.answers);

    const consensus = promptQuestionConsensus(form, stored.map((r) => r.answers));
    const rating = consensus.find((c) => c.id === "quality");
    if (rating?.type !== "rating") throw new Error("no rating consensus");
    expect(rating.overall[x0]).toBeCloseTo(4.5, 12);
    expect(rating.overall[x1]).toBeCloseTo(3, 12);
    expect(rating.overall[x2]).toBeCloseTo(1.5, 12);
    expect(rating.byOutput[x1].honesty).toMatchObject({ median: 3, n: 3 });
    expect(rating.alpha).not.toBeNull();

    const out = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "tl-questions-")), "snap");
    const snap = await withInput(createExportInput, { projectSlug: "demo", out, options: { evalFraction: 0, ktoThreshold: 3 } }, (input) => createExport(admin, input));
    const pairs = readJsonl(path.join(out, "preference.train.jsonl"));
    // x0 (highest mean) against each lower one; x0–x1 takes the strength's Bradley–Terry margin d: x0 has 3 wins of 3
    // games plus the 0.1 prior's win and loss against a virtual item, so 3.1 = 3σ(d) + 0.2σ(d/2) (d solved here by bisection).
    let [lo, hi] = [0, 20];
    for (let k = 0; k < 200; k++) {
      const mid = (lo + hi) / 2;
      if (3 * sig(mid) + 0.2 * sig(mid / 2) < 3.1) lo = mid;
      else hi = mid;
    }
    const d = Math.round(lo * 1e6) / 1e6;
    const text = (id: string) => [{ role: "assistant", content: `Answer ${ids.indexOf(id)} to ${promptId}` }];
    expect(pairs).toHaveLength(2);
    expect(pairs[0]).toMatchObject({ chosen: text(x0), rejected: text(x1), margin: d, meta: { source: "rating", chosenId: x0, rejectedId: x1, ratings: { chosen: 4.5, rejected: 3 }, strength: { meanStrength: 1.5, n: 2 }, critiques: { critique: ["The last one is wrong."] } } });
    expect(pairs[1]).toMatchObject({ chosen: text(x0), rejected: text(x2), margin: 3, meta: { source: "rating", ratings: { chosen: 4.5, rejected: 1.5 }, spans: { chosen: [], rejected: [{ question: "errors", start: 0, end: 6, label: "factual error", count: 1 }] } } });
    expect(pairs[1].meta).not.toHaveProperty("strength");

    const kto = readJsonl(path.join(out, "unpaired.train.jsonl"));
    const expected = [x0, x1, x2].map((id, j) => ({ id, label: [true, true, false][j], rating: [4.5, 3, 1.5][j] })).sort((a, b) => (a.id < b.id ? -1 : 1));
    expect(kto.map((r) => ({ id: (r.meta as { completionId: string }).completionId, label: r.label, rating: (r.meta as { rating: number }).rating }))).toEqual(expected);

    const manifest = JSON.parse(fs.readFileSync(path.join(out, "manifest.json"), "utf8")) as { filters: { questions: Question[]; ktoThreshold: number } };
    expect(manifest.filters.ktoThreshold).toBe(3);
    expect(manifest.filters.questions.map((q) => q.id)).toEqual(form.map((q) => q.id));
    const again = path.join(path.dirname(out), "again");
    await reexportSnapshot(admin, { projectSlug: "demo", id: snap.id, out: again });
    for (const f of fs.readdirSync(out)) expect(fs.readFileSync(path.join(again, f)).equals(fs.readFileSync(path.join(out, f))), f).toBe(true);
  });

  it("resets a form to ranking only with the explicit control; a blank questions field leaves it as it is", async () => {
    const admin = await makeActor("admin");
    await seedProject({ settings: { k: 3, overlap: 3, agreementThreshold: 0, questions: form } });
    const update = (raw: unknown) => withInput(updateProjectInput, raw, (input) => updateProject(admin, "demo", input));
    const formOf = async () => (await getProjectBySlug(getDb(), "demo")).settings.questions;
    await update({ questions: "", name: "Renamed" });
    expect(await formOf()).toEqual(form);
    await expect(update({ questions: JSON.stringify(form), questionsReset: "true" })).rejects.toMatchObject({ kind: "bad_request", fieldErrors: { questionsReset: [expect.stringContaining("not both")] } });
    expect(await formOf()).toEqual(form);
    await update({ questions: "", questionsReset: "on" });
    expect(await formOf()).toBeUndefined();
  });

  it("imports UltraFeedback's aspect ratings as answers and exports pairs by rating gap, as ultrafeedback_binarized", async () => {
    const admin = await makeActor("admin");
    await seedProject();
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "tl-uf-"));
    const completion = (model: string, response: string, r: Array<string | number>) => ({
      model,
      response,
      annotations: Object.fromEntries(["helpfulness", "honesty", "instruction_following", "truthfulness"].map((a, i) => [a, { Rating: r[i], Rationale: "." }])),
    });
    const rows = [
      // means ("N/A" left out): 9 → (2+3+1)/3 = 2, 7 → 19/4 = 4.75, 11 → 4, 1 → unrated
      { instruction: "Name a prime.", completions: [completion("m-a", "9", ["2", "N/A", "3", "1"]), completion("m-b", "7", ["5", "5", "5", "4"]), completion("m-c", "11", [4, 4, 4, 4]), completion("m-d", "1", ["N/A", "N/A", "N/A", "N/A"])] },
      // equal means: no pair
      { instruction: "Say hi.", completions: [completion("m-a", "hi", [3, 3, 3, 3]), completion("m-b", "hello", [4, 2, 3, 3])] },
    ];
    const file = path.join(dir, "uf.jsonl");
    fs.writeFileSync(file, rows.map((r) => JSON.stringify(r)).join("\n"));
    expect(await importFile(admin, { projectSlug: "demo", path: file })).toMatchObject({ format: "ultrafeedback", prompts: 2, rankings: 2 });

    // The form had no rating question: the import added one with the four aspects on 1–5, after today's ranking.
    const form = (await getProjectBySlug(getDb(), "demo")).settings.questions!;
    expect(form.map((q) => q.id)).toEqual(["ranking", "aspects"]);
    expect(form[1]).toMatchObject({ type: "rating", min: 1, max: 5, criteria: ["helpfulness", "honesty", "instruction_following", "truthfulness"].map((name) => ({ name })) });
    const stored = await getDb().select().from(rankings);
    const answers = stored.map((r) => Object.values(r.answers.aspects as Record<string, Record<string, number>>)).flat();
    expect(answers).toContainEqual({ helpfulness: 2, instruction_following: 3, truthfulness: 1 });
    expect(answers).toHaveLength(5);

    const out = path.join(dir, "snap");
    await withInput(createExportInput, { projectSlug: "demo", out, options: { evalFraction: 0 } }, (input) => createExport(admin, input));
    const pairs = readJsonl(path.join(out, "preference.train.jsonl")).map((r) => ({ prompt: (r.prompt as Array<{ content: string }>).at(-1)!.content, chosen: (r.chosen as Array<{ content: string }>)[0].content, rejected: (r.rejected as Array<{ content: string }>)[0].content, margin: r.margin, meta: r.meta }));
    expect(pairs.map(({ meta: _, ...p }) => p)).toEqual([
      { prompt: "Name a prime.", chosen: "7", rejected: "11", margin: 0.75 },
      { prompt: "Name a prime.", chosen: "7", rejected: "9", margin: 2.75 },
    ]);
    expect(pairs[1].meta).toMatchObject({ source: "rating", ratings: { chosen: 4.75, rejected: 2 }, chosenGenerator: "m-b", rejectedGenerator: "m-a" });

    // A form whose rating question lacks an aspect fails the import at that row, naming it, and writes nothing.
    const before = stored.length;
    const settings = (await getProjectBySlug(getDb(), "demo")).settings;
    await getDb().update(projects).set({ settings: { ...settings, questions: [form[0], { ...form[1], criteria: [{ name: "helpfulness" }] } as Question] } });
    fs.writeFileSync(file, JSON.stringify({ instruction: "Name an even prime.", completions: [completion("m-a", "2", [5, 5, 5, 5]), completion("m-b", "4", [1, 1, 1, 1])] }));
    await expect(importFile(admin, { projectSlug: "demo", path: file })).rejects.toMatchObject({ fieldErrors: { "completions[0].annotations.honesty": [expect.stringContaining("line 1")] } });
    expect(await getDb().select().from(rankings)).toHaveLength(before);
  });
});
