// Diversity on both databases: category targets steer next-task inside a tier; exports cap, weight and template categories, recorded in the manifest.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { randomUUID } from "node:crypto";
import { expect, it } from "vitest";
import { sql } from "drizzle-orm";
import { describeEachDatabase } from "../helpers/db";
import { makeActor } from "../helpers/actors";
import { seedProject } from "../helpers/seed";
import { withInput } from "../helpers/input";
import { getDb } from "@/db/client";
import { completions, prompts } from "@/db/schema";
import type { Actor, AnyActor } from "@/lib/auth/roles";
import { createExport, reexportSnapshot } from "@/lib/exports/snapshot";
import { importFile } from "@/lib/imports/import-file";
import { checkNovelty, getSeedTasks, submitFromSeed } from "@/lib/prompts/from-seed";
import { draftTasksFromSeeds } from "@/lib/prompts/draft-from-seeds";
import { addSource } from "@/lib/sources/sources";
import { addSourceInput } from "@/lib/validation/sources";
import { chatAnswer, startFakeOpenAI } from "../helpers/fake-openai";
import { updateProject } from "@/lib/projects/projects";
import { submitRanking } from "@/lib/rankings/submit";
import { nextTask } from "@/lib/rankings/tasks";
import { createExportInput, reexportSnapshotInput } from "@/lib/validation/exports";
import { updateProjectInput } from "@/lib/validation/projects";
import { draftFromSeedsInput, noveltyInput, seedTasksInput, submitFromSeedInput } from "@/lib/validation/prompts";
import { nextTaskInput, submitRankingInput } from "@/lib/validation/rankings";

const updateProjectVia = (actor: AnyActor, raw: unknown) => withInput(updateProjectInput, raw, (input) => updateProject(actor, "demo", input));
const nextTaskVia = (actor: Actor) => withInput(nextTaskInput, { projectSlug: "demo" }, (input) => nextTask(actor, input));
const submitRankingVia = (actor: Actor, raw: unknown) => withInput(submitRankingInput, raw, (input) => submitRanking(actor, input));
const createExportVia = (actor: AnyActor, raw: unknown) => withInput(createExportInput, raw, (input) => createExport(actor, input));
const readJsonl = (file: string) => fs.readFileSync(file, "utf8").split("\n").filter(Boolean).map((l) => JSON.parse(l) as { id: string; messages: Array<{ content: string }>; meta: { template?: string } });

/** `n` approved prompts of a category, oldest first from `minutesAgo`, each with two imported outputs and, optionally, an approved demonstration. */
async function promptsOf(projectId: string, category: string, n: number, minutesAgo: number, demo = false) {
  const db = getDb();
  const made = await db
    .insert(prompts)
    .values(Array.from({ length: n }, (_, i) => ({ projectId, instruction: `${category} task number ${i} ${randomUUID()}`, category, source: "import" as const, status: "approved" as const, createdAt: new Date(Date.now() - (minutesAgo - i) * 60_000) })))
    .returning({ id: prompts.id });
  await db.insert(completions).values(made.flatMap((p) => [0, 1].map((j) => ({ promptId: p.id, text: `Output ${j} of ${p.id}`, source: "import" as const, generator: `m${j}` }))));
  if (demo) await db.insert(completions).values(made.map((p) => ({ promptId: p.id, text: `Demonstration for ${p.id}`, source: "human" as const, isDemonstration: true, status: "approved" as const })));
  return made.map((p) => p.id);
}

describeEachDatabase("diversity", () => {
  it("targets are validated, and next-task prefers the categories furthest under target inside a tier", async () => {
    const admin = await makeActor("admin");
    const project = await seedProject({ settings: { overlap: 1, k: 2 } });
    // open QA is older: without targets it would go first (backlog: oldest first).
    const qa = await promptsOf(project.id, "open QA", 3, 60);
    const coding = await promptsOf(project.id, "coding", 3, 30);

    await expect(updateProjectVia(admin, { categoryTargets: "open QA = 0.5\ncoding = 0.4" })).rejects.toMatchObject({ status: 400, fieldErrors: { categoryTargets: [expect.stringContaining("sum to 1")] } });
    await expect(updateProjectVia(admin, { categoryTargets: { "open QA": 0.5, poetry: 0.5 } })).rejects.toMatchObject({ status: 400, fieldErrors: { categoryTargets: [expect.stringContaining("poetry")] } });
    await expect(updateProjectVia(admin, { categoryTargets: { "open QA": -0.5, coding: 1.5 } })).rejects.toMatchObject({ status: 400, fieldErrors: { categoryTargets: [expect.any(String)] } });

    const first = await makeActor("annotator");
    const plain = await nextTaskVia(first);
    expect(plain?.prompt.id).toBe(qa[0]);
    await submitRankingVia(first, { assignmentId: plain!.assignmentId, order: plain!.outputs.map((o) => [o.id]), idempotencyKey: randomUUID() });

    // 20% open QA, 80% coding; collected so far: one open QA ranking (share 1.0), so coding (gap 0.8) comes first.
    const updated = await updateProjectVia(admin, { categoryTargets: "open QA = 20%\ncoding = 80%" });
    expect(updated.settings.categoryTargets).toEqual({ "open QA": 0.2, coding: 0.8 });
    const people = await Promise.all([0, 1, 2, 3].map(() => makeActor("annotator")));
    const got: string[] = [];
    for (const person of people) {
      const t = await nextTaskVia(person);
      got.push(t!.prompt.category!);
      await submitRankingVia(person, { assignmentId: t!.assignmentId, order: t!.outputs.map((o) => [o.id]), idempotencyKey: randomUUID() });
    }
    // 1 QA → coding (gap .8); 1:1 → coding (gap .3); 1:2 → coding (coding 67% < 80%); 1:3 → coding 75% < 80% … until coding runs out.
    expect(got).toEqual(["coding", "coding", "coding", "open QA"]);
    expect(coding).toHaveLength(3);
  });

  it("exports cap and weight categories and render templates, recorded in the manifest; a re-export gives the same bytes", async () => {
    const admin = await makeActor("admin");
    const project = await seedProject({ settings: { overlap: 1, k: 2 } });
    await promptsOf(project.id, "coding", 4, 60, true);
    await promptsOf(project.id, "open QA", 2, 30, true);
    await expect(updateProjectVia(admin, { instructionTemplates: '{"plain": "{instruction}", "bad": "Task: {instruction} {output}"}' })).rejects.toMatchObject({
      status: 400,
      fieldErrors: { instructionTemplates: [expect.stringContaining("unknown placeholder {output}")] },
    });
    await updateProjectVia(admin, { instructionTemplates: JSON.stringify({ plain: "{instruction}\n\n{input}", task: "Here is a task: {instruction}\n{input}" }) });

    await expect(createExportVia(admin, { projectSlug: "demo", out: path.join(fs.mkdtempSync(path.join(os.tmpdir(), "tl-div-")), "x"), options: { templates: ["nope"] } })).rejects.toMatchObject({
      status: 400,
      fieldErrors: { "options.templates": [expect.stringContaining("nope")] },
    });
    await expect(createExportVia(admin, { projectSlug: "demo", options: { categoryWeights: { coding: 11 } } })).rejects.toMatchObject({ status: 400, fieldErrors: { "options.categoryWeights.coding": [expect.stringContaining("between 0 and 10")] } });

    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "tl-div-"));
    const out = path.join(dir, "snap");
    const options = { evalFraction: 0, categoryCaps: { coding: 2 }, categoryWeights: { "open QA": 2 }, templates: ["plain", "task"] };
    const snap = await createExportVia(admin, { projectSlug: "demo", out, options });
    const sft = readJsonl(path.join(out, "sft.train.jsonl"));
    // coding: 2 of 4 prompts (cap) × 2 templates; open QA: 2 prompts × 2 copies (weight) × 2 templates.
    expect(sft).toHaveLength(2 * 2 + 2 * 2 * 2);
    expect(new Set(sft.map((r) => r.id)).size).toBe(sft.length);
    expect(sft.filter((r) => r.meta.template === "task").every((r) => r.messages[0].content.startsWith("Here is a task: ") && !r.messages[0].content.endsWith("\n"))).toBe(true);
    expect(sft.filter((r) => r.meta.template === "plain").every((r) => !r.messages[0].content.startsWith("Here is"))).toBe(true);
    const manifest = JSON.parse(fs.readFileSync(path.join(out, "manifest.json"), "utf8")) as Record<string, unknown>;
    expect(manifest.categoryBalance).toEqual({ caps: { coding: 2 }, weights: { "open QA": 2 }, prompts: { coding: 2, "open QA": 2 }, cappedOut: { coding: 2 }, weightedOut: {}, extraCopies: { "open QA": 2 } });
    expect(manifest.templates).toEqual({ plain: "{instruction}\n\n{input}", task: "Here is a task: {instruction}\n{input}" });
    expect(snap.prompts).toBe(4);

    // The project's template changes later; the snapshot keeps the texts it was rendered with.
    await updateProjectVia(admin, { instructionTemplates: JSON.stringify({ plain: "{instruction}", task: "Changed: {instruction}" }) });
    const again = path.join(dir, "again");
    await withInput(reexportSnapshotInput, { projectSlug: "demo", id: snap.id, out: again }, (input) => reexportSnapshot(admin, input));
    for (const f of ["sft.train.jsonl", "manifest.json"]) expect(fs.readFileSync(path.join(again, f))).toEqual(fs.readFileSync(path.join(out, f)));
    const rows = await getDb().execute(sql`select count(*)::int as n from exports`);
    expect(Number((rows.rows as Array<{ n: number }>)[0].n)).toBe(1);
  });

  it("write from a seed: k seeds from the chosen import batch, a near copy refused with its closest match, a new task submitted", async () => {
    const admin = await makeActor("admin");
    const writer = await makeActor("annotator");
    const project = await seedProject({ settings: { overlap: 1, k: 2 } });
    await promptsOf(project.id, "coding", 3, 60);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "tl-seed-"));
    const seeds = ["Write a story about a dog.", "Generate a haiku using the following word:", "Find the four smallest perfect numbers.", "Give me a cooking recipe for the following food."];
    fs.writeFileSync(path.join(dir, "seeds.jsonl"), seeds.map((instruction) => JSON.stringify({ instruction, input: "", output: "An answer." })).join("\n"));
    await importFile(admin, { projectSlug: "demo", path: path.join(dir, "seeds.jsonl"), format: "alpaca" });
    const [audit] = (await getDb().execute(sql`select id from audit_log where action = 'import.file' order by id desc limit 1`)).rows as Array<{ id: number | string }>;
    await updateProjectVia(admin, { seedImports: String(audit.id) });

    const shown = await withInput(seedTasksInput, { projectSlug: "demo", k: "3" }, (input) => getSeedTasks(writer, input));
    expect(shown).toHaveLength(3);
    expect(shown.every((s) => seeds.includes(s.instruction))).toBe(true);
    await expect(withInput(seedTasksInput, { projectSlug: "demo", k: 50 }, (input) => getSeedTasks(writer, input))).rejects.toMatchObject({ status: 400, fieldErrors: { k: [expect.any(String)] } });

    // rouge_score's rougeL of these two is 0.857 (tests/unit/diversity/rouge.test.ts): refused, the closest shown beside the field.
    const near = withInput(submitFromSeedInput, { projectSlug: "demo", instruction: "Write a short story about a brave dog.", category: "coding", seedIds: [shown[0].id] }, (input) => submitFromSeed(writer, input));
    await expect(near).rejects.toMatchObject({ status: 409, fieldErrors: { instruction: [expect.stringMatching(/ROUGE-L 0\.86 > 0\.7\): “Write a story about a dog\.”/)] } });
    const novelty = await withInput(noveltyInput, { projectSlug: "demo", instruction: "Generate a poem using the following words." }, (input) => checkNovelty(writer, input));
    expect(novelty).toMatchObject({ novel: false, closest: { instruction: "Generate a haiku using the following word:" } });
    expect(novelty.rougeL).toBeCloseTo(0.7142857142857143, 12);

    const done = await withInput(submitFromSeedInput, { projectSlug: "demo", instruction: "Translate this recipe into French, keeping the units.", input: "2 cups flour", category: "coding", seedIds: shown.map((s) => s.id) }, (input) => submitFromSeed(writer, input));
    expect(done.status).toBe("submitted");
    expect(done.rougeL).toBeLessThanOrEqual(0.7);
    // Drafts and rejected prompts are no competition; submitted ones are: the same task again is refused.
    await expect(withInput(submitFromSeedInput, { projectSlug: "demo", instruction: "Translate this recipe into French, keeping the units.", category: "coding" }, (input) => submitFromSeed(writer, input))).rejects.toMatchObject({ status: 409 });
    const [count] = (await getDb().execute(sql`select count(*)::int as n from prompts where author_id = ${writer.id}`)).rows as Array<{ n: number }>;
    expect(Number(count.n)).toBe(1);
  });

  it("a model source drafts tasks from seeds: novel ones wait for review, copies and empty replies are counted", async () => {
    let call = 0;
    const replies = ["Compose a sonnet about autumn leaves falling in a quiet park.\nTask 8: Something else", "Task 7: Compose a sonnet about autumn leaves falling in a quiet park.", "ok", "Task 7: Compose a sonnet about the autumn leaves falling in a park."];
    const server = await startFakeOpenAI((r) => ({ body: chatAnswer(r.model, replies[call++ % replies.length]) }));
    try {
      const admin = await makeActor("admin");
      const project = await seedProject({ settings: { overlap: 1, k: 2 } });
      await promptsOf(project.id, "coding", 3, 60);
      await addSource(admin, addSourceInput.parse({ projectSlug: "demo", name: "drafter", baseUrl: server.baseUrl, model: "m" }));
      const out = await withInput(draftFromSeedsInput, { projectSlug: "demo", source: "drafter", n: "4", k: "2" }, (input) => draftTasksFromSeeds(admin, input));
      expect(out).toMatchObject({ asked: 4, tooSimilar: 2, empty: 1, failed: 0 });
      expect(out.kept.map((k) => k.instruction)).toEqual(["Compose a sonnet about autumn leaves falling in a quiet park."]);
      // Self-Instruct's prompt: the seeds numbered, then the next number to fill.
      expect(server.log[0].prompt).toMatch(/^Come up with a series of tasks:\n\nTask 1: coding task number \d[^\n]*\nTask 2: coding task number \d[^\n]*\nTask 3:$/);
      const [row] = (await getDb().execute(sql`select status, source, author_id from prompts where id = ${out.kept[0].id}`)).rows as Array<{ status: string; source: string; author_id: string | null }>;
      expect(row).toEqual({ status: "submitted", source: "model", author_id: null });
      await expect(withInput(draftFromSeedsInput, { projectSlug: "demo", source: "nope" }, (input) => draftTasksFromSeeds(admin, input))).rejects.toMatchObject({ status: 404, fieldErrors: { source: ["Unknown source"] } });
      // Reviewers draft too (the Diversity page's form); annotators do not.
      const annotator = await makeActor("annotator");
      await expect(withInput(draftFromSeedsInput, { projectSlug: "demo", source: "drafter" }, (input) => draftTasksFromSeeds(annotator, input))).rejects.toMatchObject({ status: 403 });
    } finally {
      await server.close();
    }
  });
});
