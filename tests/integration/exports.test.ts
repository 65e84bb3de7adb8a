// Export snapshots on a real database: curated files, byte-identical re-export, no leaks of rejected/excluded/PII data, atomic failure.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { expect, it } from "vitest";
import { sql } from "drizzle-orm";
import { describeEachDatabase } from "../helpers/db";
import { makeActor } from "../helpers/actors";
import { seedProject, seedPrompts } from "../helpers/seed";
import { getDb } from "@/db/client";
import { completions, exports, prompts } from "@/db/schema";
import { createExport, getExport, listExports, openExportFile, reexportSnapshot } from "@/lib/exports/snapshot";
import { nextTask } from "@/lib/rankings/tasks";
import { submitRanking } from "@/lib/rankings/submit";
import { setAnnotatorExcluded } from "@/lib/reviews/review";
import { importFile } from "@/lib/imports/import-file";
import type { Actor } from "@/lib/auth/roles";
import type { AnyActor } from "@/lib/auth/roles";
import { withInput } from "../helpers/input";
import { submitRankingInput, nextTaskInput } from "@/lib/validation/rankings";
import { excludeAnnotatorInput } from "@/lib/validation/reviews";
import { createExportInput, reexportSnapshotInput } from "@/lib/validation/exports";

/** Parsed at the boundary first, as the action, route and CLI do. */
const submitRankingVia = (actor: Actor, raw: unknown) => withInput(submitRankingInput, raw, (input) => submitRanking(actor, input));
const nextTaskVia = (actor: Actor, raw: unknown) => withInput(nextTaskInput, raw, (input) => nextTask(actor, input));

const setAnnotatorExcludedVia = (actor: Actor, raw: unknown) => withInput(excludeAnnotatorInput, raw, (input) => setAnnotatorExcluded(actor, input));
const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), "tl-export-"));
const createExportVia = (actor: AnyActor, raw: unknown) => withInput(createExportInput, raw, (input) => createExport(actor, input));
const reexportSnapshotVia = (actor: AnyActor, raw: unknown) => withInput(reexportSnapshotInput, raw, (input) => reexportSnapshot(actor, input));
const readJsonl = (file: string) => fs.readFileSync(file, "utf8").split("\n").filter(Boolean).map((l) => JSON.parse(l));
const sharedData = path.resolve(import.meta.dirname, "../../../shared/data");

/** Three annotators rank every prompt best = lowest completion text; returns them. */
async function rankAll(people: Actor[], flip?: Actor) {
  for (const person of people) {
    for (;;) {
      const t = await nextTaskVia(person, { projectSlug: "demo" });
      if (!t) break;
      const sorted = [...t.outputs].sort((a, b) => a.text.localeCompare(b.text)).map((o) => [o.id]);
      await submitRankingVia(person, { assignmentId: t.assignmentId, order: person === flip ? sorted.reverse() : sorted, idempotencyKey: crypto.randomUUID(), flags: {} });
    }
  }
}

describeEachDatabase("exports", () => {
  it("writes TRL files and a manifest; re-exporting gives byte-identical files", async () => {
    const admin = await makeActor("admin");
    const project = await seedProject({ settings: { overlap: 3, k: 3, agreementThreshold: 0.5 } });
    await seedPrompts(project.id, 6, 3);
    const people = await Promise.all([0, 1, 2].map(() => makeActor("annotator")));
    await rankAll(people);
    // A written prompt with an approved demonstration.
    const [p] = await getDb().insert(prompts).values({ projectId: project.id, instruction: "Write a haiku about tea", source: "human", status: "approved", authorId: people[0].id }).returning();
    await getDb().insert(completions).values({ promptId: p.id, text: "Steam curls from the cup", source: "human", authorId: people[0].id, isDemonstration: true, status: "approved" });

    const out = path.join(tmp(), "snap");
    const snap = await createExportVia(admin, { projectSlug: "demo", out, options: { evalFraction: 0 } });
    // 6 settled prompts × 3 pairs each (all pairs of 3), 1 SFT example.
    expect(snap.counts["preference.train.jsonl"]).toBe(18);
    expect(snap.counts["sft.train.jsonl"]).toBe(1);
    const pairs = readJsonl(path.join(out, "preference.train.jsonl"));
    expect(pairs[0]).toMatchObject({ prompt: [{ role: "user" }], chosen: [{ role: "assistant" }], rejected: [{ role: "assistant" }], meta: { rankings: 3, agreement: 1 } });
    expect(pairs.every((r) => r.chosen[0].content < r.rejected[0].content)).toBe(true);
    const sft = readJsonl(path.join(out, "sft.train.jsonl"));
    expect(sft[0].messages).toEqual([{ role: "user", content: "Write a haiku about tea" }, { role: "assistant", content: "Steam curls from the cup" }]);
    const manifest = JSON.parse(fs.readFileSync(path.join(out, "manifest.json"), "utf8"));
    expect(manifest).toMatchObject({ id: snap.id, project: "demo", counts: snap.counts });
    expect(Object.keys(manifest.sha256)).toEqual(expect.arrayContaining(["sft.train.jsonl", "preference.train.jsonl", "README.md"]));
    expect(fs.readFileSync(path.join(out, "README.md"), "utf8")).toContain("load_dataset");

    const again = path.join(tmp(), "again");
    await reexportSnapshotVia(admin, { projectSlug: "demo", id: snap.id, out: again });
    for (const f of fs.readdirSync(out)) expect(fs.readFileSync(path.join(again, f)).equals(fs.readFileSync(path.join(out, f))), f).toBe(true);

    const listed = await listExports(admin, "demo", { withCard: true });
    expect(listed.map((e) => e.id)).toEqual([snap.id]);
    // A readable name (project, cut-off, counts) and the dataset card, front matter left out.
    const cutoff = manifest.cutoffAt as string;
    expect(listed[0].name).toBe(`demo · ${cutoff.slice(0, 10)} ${cutoff.slice(11, 16)} UTC · 18 pairs · 1 SFT`);
    expect(listed[0].card?.startsWith(`# ${listed[0].name}\n`)).toBe(true);
    expect((await getExport(admin, "demo", snap.id)).counts).toEqual(snap.counts);
    const file = await openExportFile(admin, "demo", snap.id, "preference.train.jsonl");
    expect(file.size).toBe(fs.statSync(path.join(out, "preference.train.jsonl")).size);
    file.stream.destroy();
    await expect(openExportFile(admin, "demo", snap.id, "../../etc/passwd")).rejects.toMatchObject({ kind: "not_found" });
  });

  it("leaves out rejected prompts, excluded annotators and PII; never chooses unsafe outputs; collapses duplicates", async () => {
    const admin = await makeActor("admin");
    const reviewer = await makeActor("reviewer");
    const project = await seedProject({ settings: { overlap: 2, k: 3, agreementThreshold: 0 } });
    const ids = await seedPrompts(project.id, 3, 3);
    // prompt 2 duplicates prompt 0's text (normalized), so it is collapsed
    await getDb().execute(sql`update prompts set instruction = '  QUESTION number 0?' where id = ${ids[2]}`);
    const [a, b, c] = await Promise.all([0, 1, 2].map(() => makeActor("annotator")));
    await rankAll([a, b]);
    const cs = (await getDb().execute(sql`select id, prompt_id, text from completions order by text`)).rows as Array<{ id: string; prompt_id: string; text: string }>;
    // an unsafe flag on prompt 1's best output, a PII flag on prompt 0's worse output
    const p1best = cs.filter((x) => x.prompt_id === ids[1])[0];
    const p0worse = cs.filter((x) => x.prompt_id === ids[0])[2];
    await getDb().execute(sql`update rankings set flags = ${JSON.stringify({ [p1best.id]: ["unsafe"], [p0worse.id]: ["pii"] })}::jsonb where annotator_id = ${a.id}`);
    const snap = await createExportVia(admin, { projectSlug: "demo", out: path.join(tmp(), "s"), options: { evalFraction: 0 } });
    const rows = readJsonl(path.join(snap.dir, "preference.train.jsonl"));
    const text = JSON.stringify(rows);
    expect(text).not.toContain(p0worse.text); // PII never leaves
    expect(rows.every((r) => r.chosen[0].content !== p1best.text)).toBe(true);
    expect(snap.duplicates.exact).toBe(1);

    await getDb().execute(sql`update prompts set status = 'rejected' where id = ${ids[1]}`);
    await setAnnotatorExcludedVia(reviewer, { projectSlug: "demo", userId: b.id, excluded: true });
    void c;
    const snap2 = await createExportVia(admin, { projectSlug: "demo", out: path.join(tmp(), "s2"), options: { evalFraction: 0 } }).catch((e) => e);
    // prompt 1 rejected; with b excluded no prompt has its overlap of rankings → nothing settled is left
    expect(snap2).toMatchObject({ kind: "bad_request" });
    expect(await getDb().select().from(exports)).toHaveLength(1);
  });

  it("refuses a non-empty output folder and an unknown project, writing nothing", async () => {
    const admin = await makeActor("admin");
    await seedProject();
    const dir = tmp();
    fs.writeFileSync(path.join(dir, "keep.txt"), "x");
    await expect(createExportVia(admin, { projectSlug: "demo", out: dir })).rejects.toMatchObject({ kind: "conflict" });
    await expect(createExportVia(admin, { projectSlug: "nope", out: path.join(tmp(), "x") })).rejects.toMatchObject({ kind: "not_found" });
    await expect(createExportVia(await makeActor("reviewer"), { projectSlug: "demo" })).rejects.toMatchObject({ kind: "forbidden" });
    expect(fs.readdirSync(dir)).toEqual(["keep.txt"]);
    expect(await getDb().select().from(exports)).toHaveLength(0);
  });

  it.skipIf(!fs.existsSync(sharedData))("exports imported hh-rlhf pairs as preference rows, duplicate dialogues merged (needs ../shared/data)", async () => {
    const admin = await makeActor("admin");
    await seedProject();
    const summary = await importFile(admin, { projectSlug: "demo", path: path.join(sharedData, "hh-rlhf-harmless-test.jsonl.gz"), format: "hh-rlhf" });
    const snap = await createExportVia(admin, { projectSlug: "demo", out: path.join(tmp(), "hh") });
    const total = snap.counts["preference.train.jsonl"] + snap.counts["preference.eval.jsonl"];
    // Duplicate dialogues are merged, not dropped: every imported pair (distinct texts on both sides) leaves as a row.
    expect(total).toBe(summary.rankings);
    const collapsed = snap.duplicates.exact + snap.duplicates.near;
    expect(collapsed).toBeGreaterThan(0);
    // The earlier turns of dialogues are prompts too (one imported reply, no ranking): they take part in duplicate
    // detection, a group of them alone writes nothing (so is not counted as merged), and one merged into a ranked
    // prompt brings no ranking; every merged ranking still brings its one pair.
    expect(snap.merged.sft).toBe(0);
    expect(snap.merged.pairs).toBe(snap.merged.rankings);
    expect(snap.merged.rankings).toBeGreaterThan(0);
    expect(snap.merged.rankings).toBeLessThanOrEqual(snap.merged.prompts);
    expect(snap.merged.prompts).toBeLessThanOrEqual(collapsed);
    const evalShare = snap.counts["preference.eval.jsonl"] / total;
    expect(evalShare).toBeGreaterThan(0.02);
    expect(evalShare).toBeLessThan(0.09);
    // Multi-turn dialogues keep their history: the prompt is the alternating user/assistant messages, ending with the user.
    const rows = ["train", "eval"].flatMap((s) => readJsonl(path.join(snap.dir, `preference.${s}.jsonl`)));
    const multi = rows.filter((r) => r.prompt.length > 1);
    console.log(`hh-rlhf preference rows: ${rows.length}, ${multi.length} with more than one prompt message`);
    // 1,650 of the 2,312 dialogues have more than one Human turn before the replies (counted by splitting the raw transcripts at their labels).
    expect(multi.length).toBe(1650);
    for (const r of multi) expect(r.prompt.map((m: { role: string }) => m.role)).toEqual(r.prompt.map((_: unknown, i: number) => (i % 2 ? "assistant" : "user")));
  });
});
