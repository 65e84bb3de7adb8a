// The release gate on both databases: a compare generation puts a new and the active version's outputs for held-out
// prompts into the queue as blind pairwise tasks (once), annotators judge them, and the version's win rate with its
// bootstrap interval decides whether promotion is recommended (pending until it has its judgments); an admin can still
// promote, and the audit says so. Comparisons and generations show queued / n of m written / failed with the reason.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { spawnSync } from "node:child_process";
import { randomUUID } from "node:crypto";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { eq, isNotNull, sql } from "drizzle-orm";
import { describeEachDatabase } from "../helpers/db";
import { makeActor } from "../helpers/actors";
import { seedProject, seedPrompts } from "../helpers/seed";
import { getDb } from "@/db/client";
import { auditLog, completions, exports, generations, modelVersions, prompts } from "@/db/schema";
import { createExport } from "@/lib/exports/snapshot";
import { runGenerateJob } from "@/lib/jobs/generate-job";
import { stopBoss } from "@/lib/jobs/queue";
import { nextTask } from "@/lib/rankings/tasks";
import { submitRanking } from "@/lib/rankings/submit";
import { judgmentOutcome, releaseGate } from "@/lib/runs/gate";
import { updateProject } from "@/lib/projects/projects";
import { listModelVersions, promoteModelVersion, requestComparison, requestGeneration } from "@/lib/runs/runs";
import type { AnyActor } from "@/lib/auth/roles";
import type { Actor } from "@/lib/auth/roles";
import { withInput } from "../helpers/input";
import { updateProjectInput } from "@/lib/validation/projects";
import { promoteVersionInput, requestComparisonInput, requestGenerationInput } from "@/lib/validation/runs";
import { submitRankingInput, nextTaskInput } from "@/lib/validation/rankings";
import { createExportInput } from "@/lib/validation/exports";

/** Parsed at the boundary first, as the action, route and CLI do. */
const requestGenerationVia = (actor: AnyActor, raw: unknown) => withInput(requestGenerationInput, raw, (input) => requestGeneration(actor, input));
const requestComparisonVia = (actor: AnyActor, raw: unknown) => withInput(requestComparisonInput, raw, (input) => requestComparison(actor, input));
const promoteModelVersionVia = (actor: AnyActor, raw: unknown) => withInput(promoteVersionInput, raw, (input) => promoteModelVersion(actor, input));
const updateProjectVia = (actor: AnyActor | null, slug: string, raw: unknown) => withInput(updateProjectInput, raw, (input) => updateProject(actor, slug, input));

const submitRankingVia = (actor: Actor, raw: unknown) => withInput(submitRankingInput, raw, (input) => submitRanking(actor, input));
const nextTaskVia = (actor: Actor, raw: unknown) => withInput(nextTaskInput, raw, (input) => nextTask(actor, input));
const root = path.resolve(import.meta.dirname, "../..");
const createExportVia = (actor: AnyActor, raw: unknown) => withInput(createExportInput, raw, (input) => createExport(actor, input));
const work = fs.mkdtempSync(path.join(os.tmpdir(), "tl-gate-"));
const checkpoints: string[] = [];

// Two real tiny checkpoints (a couple of SFT steps each, different seeds), shared by every test.
beforeAll(() => {
  const snap = path.join(work, "snap");
  fs.mkdirSync(snap);
  fs.writeFileSync(path.join(snap, "manifest.json"), JSON.stringify({ id: "gate-test" }));
  fs.writeFileSync(path.join(snap, "sft.train.jsonl"), JSON.stringify({ messages: [{ role: "user", content: "Say hi" }, { role: "assistant", content: "Hi!" }] }) + "\n");
  for (const seed of [1, 2]) {
    const out = path.join(work, `ckpt-${seed}`);
    const res = spawnSync(process.execPath, ["lib/cli/tuneloop.mjs", "train", "--snapshot", snap, "--init", "tiny", "--stage", "sft", "--steps", "2", "--batch", "1", "--block-size", "32", "--seed", String(seed), "--out", out, "--json"], { cwd: root, encoding: "utf8" });
    expect(res.status, res.stderr).toBe(0);
    checkpoints.push(out);
  }
}, 120_000);

describe("judgmentOutcome", () => {
  const j = (order: string[][], noneAcceptable = false) => judgmentOutcome({ order, noneAcceptable, newId: "n" });
  it("reads a pairwise ranking as a win, a loss or a tie of the new version", () => {
    expect(j([["n"], ["o"]]).winner).toBe("a");
    expect(j([["o"], ["n"]]).winner).toBe("b");
    expect(j([["n", "o"]]).winner).toBe("tie");
    // "Both bad" prefers neither.
    expect(j([["n"], ["o"]], true).winner).toBe("tie");
    expect(judgmentOutcome({ order: [["o"], ["x"]], noneAcceptable: false, newId: "n" }).winner).toBeNull();
  });
});

describeEachDatabase("release gate", () => {
  // Comparisons and promotions send through a sender-only pg-boss on the test connection; the next test's database
  // needs a fresh one. Registered inside the suite, so it runs before the helper closes the connection.
  afterEach(async () => {
    await stopBoss();
  });

  async function world() {
    const project = await seedProject({ settings: { overlap: 3 } });
    const ids = await seedPrompts(project.id, 6, 2);
    await getDb().insert(completions).values(ids.map((promptId) => ({ promptId, text: "A written answer.", source: "human" as const, isDemonstration: true, status: "approved" as const })));
    const admin = await makeActor("admin");
    const snapshot = await createExportVia(admin, { projectSlug: "demo", options: { evalFraction: 0 } });
    const [old] = await getDb().insert(modelVersions).values({ projectId: project.id, label: "v1", base: "tiny", config: {}, checkpointPath: checkpoints[0], isActive: true }).returning();
    const [fresh] = await getDb().insert(modelVersions).values({ projectId: project.id, label: "v2", parentId: old.id, base: "tiny", config: {}, checkpointPath: checkpoints[1], exportId: snapshot.id }).returning();
    // Prompts written after the snapshot's cut-off were never trained on: they are held out.
    const later = await seedPrompts(project.id, 3, 2);
    // Only comparisons are left to rank: every ordinary prompt already has its overlap.
    await getDb().update(prompts).set({ rankingCount: 3 });
    return { project, admin, ids, later, old, fresh };
  }

  it("puts held-out prompts into the queue once as blind pairwise tasks, kept out of exports", async () => {
    const w = await world();
    const made = await runGenerateJob({ projectSlug: "demo", compareVersionId: w.fresh.id, limit: 10, maxTokens: 6 });
    expect(made).toMatchObject({ prompts: 3, outputs: 6 });
    const copies = await getDb().select().from(prompts).where(isNotNull(prompts.compareVersionId));
    expect(copies.map((p) => p.compareOf).sort()).toEqual([...w.later].sort());
    for (const copy of copies) {
      const outs = await getDb().select().from(completions).where(eq(completions.promptId, copy.id));
      expect(outs.map((c) => c.modelVersionId).sort()).toEqual([w.fresh.id, w.old.id].sort());
    }
    // Running it again (a retried job) adds nothing.
    expect(await runGenerateJob({ projectSlug: "demo", compareVersionId: w.fresh.id, limit: 10, maxTokens: 6 })).toMatchObject({ prompts: 0, skipped: "already compared" });
    expect((await getDb().select().from(prompts).where(isNotNull(prompts.compareVersionId))).length).toBe(3);
    await expect(requestComparisonVia(w.admin, { projectSlug: "demo", versionId: w.fresh.id })).rejects.toMatchObject({ code: "conflict:compare" });

    // An annotator gets a comparison as an ordinary two-output task, without model names.
    const task = (await nextTaskVia(await makeActor("annotator"), { projectSlug: "demo" }))!;
    const copyIds = new Set(copies.map((c) => c.id));
    expect(copyIds.has(task.prompt.id)).toBe(true);
    expect(task.outputs).toHaveLength(2);
    for (const o of task.outputs) expect(Object.keys(o).sort()).toEqual(["id", "text"]);

    // Comparisons are evaluation data: a snapshot never contains them.
    const snap = await createExportVia(w.admin, { projectSlug: "demo", options: { evalFraction: 0 } });
    const rows = fs.readFileSync(path.join(snap.dir, "sft.train.jsonl"), "utf8") + fs.readFileSync(path.join(snap.dir, "preference.train.jsonl"), "utf8");
    for (const id of copyIds) expect(rows).not.toContain(id);
  }, 120_000);

  it("recommends promotion only when the win rate's lower bound is above 50%, and audits an override", async () => {
    const w = await world();
    await runGenerateJob({ projectSlug: "demo", compareVersionId: w.fresh.id, limit: 10, maxTokens: 6 });
    expect(await releaseGate(getDb(), w.fresh.id)).toMatchObject({ against: "v1", prompts: 3, judgments: 0, winRate: null, status: "pending", recommended: false });

    // Three annotators judge all three comparisons; `prefer` picks the new version's output or the old one's.
    const judge = async (prefer: (promptIndex: number, annotator: number) => "new" | "old") => {
      for (let a = 0; a < 3; a++) {
        const annotator = await makeActor("annotator");
        for (let k = 0; k < 3; k++) {
          const task = await nextTaskVia(annotator, { projectSlug: "demo" });
          if (!task) break;
          const outs = await getDb().select().from(completions).where(eq(completions.promptId, task.prompt.id));
          const mine = outs.find((c) => c.modelVersionId === w.fresh.id)!.id;
          const theirs = outs.find((c) => c.id !== mine)!.id;
          const order = prefer(k, a) === "new" ? [[mine], [theirs]] : [[theirs], [mine]];
          await submitRankingVia(annotator, { assignmentId: task.assignmentId, order, idempotencyKey: randomUUID() });
        }
      }
    };
    // 6 wins and 3 losses: 67%, but nine judgments leave the interval's lower bound under 50%.
    await judge((k) => (k === 0 ? "old" : "new"));
    const mixed = (await releaseGate(getDb(), w.fresh.id))!;
    expect(mixed.judgments).toBe(9);
    expect(mixed.winRate).toBeCloseTo(200 / 3, 6);
    expect(mixed.ci![0]).toBeLessThan(50);
    expect(mixed.recommended).toBe(false);
    expect(mixed.status).toBe("not_recommended");
    expect((await listModelVersions(w.admin, "demo")).find((v) => v.id === w.fresh.id)!.gate).toMatchObject({ recommended: false, judgments: 9 });

    // An admin promotes anyway: the audit row records the override and the figures.
    await promoteModelVersionVia(w.admin, { versionId: w.fresh.id, reason: "Trying it out" });
    const [row] = await getDb().select().from(auditLog).where(sql`${auditLog.action} = 'model.promote' and ${auditLog.targetId} = ${w.fresh.id}`);
    expect(row.data).toMatchObject({ recommended: false, override: true, reason: "Trying it out", gate: { judgments: 9, against: "v1" } });
  }, 120_000);

  it("recommends a version that wins every judgment", async () => {
    const w = await world();
    await runGenerateJob({ projectSlug: "demo", compareVersionId: w.fresh.id, limit: 10, maxTokens: 6 });
    for (let a = 0; a < 3; a++) {
      const annotator = await makeActor("annotator");
      for (let task = await nextTaskVia(annotator, { projectSlug: "demo" }); task; task = await nextTaskVia(annotator, { projectSlug: "demo" })) {
        const outs = await getDb().select().from(completions).where(eq(completions.promptId, task.prompt.id));
        const mine = outs.find((c) => c.modelVersionId === w.fresh.id);
        const order = mine ? [[mine.id], outs.filter((c) => c.id !== mine.id).map((c) => c.id)] : outs.map((c) => [c.id]);
        await submitRankingVia(annotator, { assignmentId: task.assignmentId, order, idempotencyKey: randomUUID() });
      }
    }
    const gate = (await releaseGate(getDb(), w.fresh.id))!;
    expect(gate).toMatchObject({ judgments: 9, winRate: 100, recommended: true });
    await promoteModelVersionVia(w.admin, { versionId: w.fresh.id });
    const [row] = await getDb().select().from(auditLog).where(sql`${auditLog.action} = 'model.promote' and ${auditLog.targetId} = ${w.fresh.id}`);
    expect(row.data).toMatchObject({ recommended: true, override: false });
    expect((await getDb().select().from(exports)).length).toBe(1);
  }, 120_000);

  it("shows a comparison queued, n of m written, then a pending gate (0 of 3 judged); a failed one keeps its reason", async () => {
    const w = await world();
    const version = async (id: string) => (await listModelVersions(w.admin, "demo")).find((v) => v.id === id)!;
    expect(await version(w.old.id)).toMatchObject({ gateState: "first", gate: null });
    expect(await version(w.fresh.id)).toMatchObject({ gateState: "not_compared", comparison: null });

    await requestComparisonVia(w.admin, { projectSlug: "demo", versionId: w.fresh.id, limit: 10 });
    expect((await version(w.fresh.id)).comparison).toMatchObject({ status: "queued", written: 0, trigger: "manual" });
    // Asking again while it is queued is refused: two jobs would answer the same held-out prompts.
    await expect(requestComparisonVia(w.admin, { projectSlug: "demo", versionId: w.fresh.id, limit: 10 })).rejects.toMatchObject({ code: "conflict:compare", message: expect.stringContaining("already queued") });
    const [row] = await getDb().select().from(generations).where(eq(generations.modelVersionId, w.fresh.id));
    await runGenerateJob({ projectSlug: "demo", compareVersionId: w.fresh.id, limit: 10, maxTokens: 6, generationId: row.id });
    const compared = await version(w.fresh.id);
    // Three held-out prompts, one output from each version: 6 of 6.
    expect(compared.comparison).toMatchObject({ status: "succeeded", wanted: 6, written: 6, error: null });
    // Before any judgment the gate is pending, not "not recommended".
    expect(compared.gateState).toBe("pending");
    expect(compared.gate).toMatchObject({ status: "pending", prompts: 3, judgedPrompts: 0, judgments: 0, needed: 3, recommended: false });

    // A version whose checkpoint is gone: the job fails, and the row says why.
    const [broken] = await getDb().insert(modelVersions).values({ projectId: w.project.id, label: "v3", parentId: w.old.id, base: "tiny", config: {}, checkpointPath: path.join(work, "missing"), exportId: w.fresh.exportId }).returning();
    await requestComparisonVia(w.admin, { projectSlug: "demo", versionId: broken.id, limit: 10 });
    const [queued] = await getDb().select().from(generations).where(eq(generations.modelVersionId, broken.id));
    await expect(runGenerateJob({ projectSlug: "demo", compareVersionId: broken.id, limit: 10, maxTokens: 6, generationId: queued.id })).rejects.toThrow(/generation failed/);
    const failed = (await version(broken.id)).comparison!;
    expect(failed.status).toBe("failed");
    expect(failed.error).toMatch(/generation failed \(exit/);
  }, 120_000);

  it("promotion queues generation for the new active version unless the project turned it off; the first version has nothing to compare with", async () => {
    const project = await seedProject({ settings: { overlap: 3 } });
    const admin = await makeActor("admin");
    const [first] = await getDb().insert(modelVersions).values({ projectId: project.id, label: "v1", base: "tiny", config: {}, checkpointPath: checkpoints[0] }).returning();
    const [second] = await getDb().insert(modelVersions).values({ projectId: project.id, label: "v2", parentId: first.id, base: "tiny", config: {}, checkpointPath: checkpoints[1] }).returning();
    expect((await listModelVersions(admin, "demo")).map((v) => [v.label, v.gateState])).toEqual([
      ["v1", "first"],
      ["v2", "nothing_to_compare"],
    ]);

    expect(await promoteModelVersionVia(admin, { versionId: first.id })).toMatchObject({ isActive: true, generationQueued: true });
    const [audit] = await getDb().select().from(auditLog).where(sql`${auditLog.action} = 'model.promote' and ${auditLog.targetId} = ${first.id}`);
    expect(audit.data).toMatchObject({ nothingToCompare: true, override: false, recommended: false });
    expect((await listModelVersions(admin, "demo")).find((v) => v.id === first.id)!.generation).toMatchObject({ status: "queued", trigger: "promote" });
    await expect(requestGenerationVia(admin, { projectSlug: "demo" })).rejects.toMatchObject({ code: "conflict:generate" });
    // The queued job, run here: two prompts short of k = 4 by two outputs each.
    await seedPrompts(project.id, 2, 2);
    const [queued] = await getDb().select().from(generations).where(eq(generations.modelVersionId, first.id));
    await runGenerateJob({ projectSlug: "demo", limit: 10, maxTokens: 6, generationId: queued.id });
    expect((await listModelVersions(admin, "demo")).find((v) => v.id === first.id)!.generation).toMatchObject({ status: "succeeded", wanted: 4, written: 4, trigger: "promote" });

    await updateProjectVia(admin, "demo", { generateOnPromote: "false" });
    expect(await promoteModelVersionVia(admin, { versionId: second.id, reason: "no gate wanted" })).toMatchObject({ generationQueued: false });
    expect(await getDb().select().from(generations).where(eq(generations.modelVersionId, second.id))).toEqual([]);
    const [override] = await getDb().select().from(auditLog).where(sql`${auditLog.action} = 'model.promote' and ${auditLog.targetId} = ${second.id}`);
    expect(override.data).toMatchObject({ nothingToCompare: false, override: true });
  }, 120_000);

  it("refuses a comparison without an active version or for the active one", async () => {
    const w = await world();
    await expect(requestComparisonVia(w.admin, { projectSlug: "demo", versionId: w.old.id })).rejects.toMatchObject({ code: "conflict:compare" });
    await expect(runGenerateJob({ projectSlug: "demo", compareVersionId: w.old.id })).rejects.toMatchObject({ code: "conflict:compare" });
    await expect(requestComparisonVia(w.admin, { projectSlug: "demo", versionId: randomUUID() })).rejects.toMatchObject({ code: "not_found:version" });
  });
});
