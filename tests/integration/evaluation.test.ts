// Evaluation per category on both databases: three versions, two categories, rankings made here (release-gate copies
// and a fresh-output ranking of all three), figures checked against hand-computed values: win rates against the previous
// and the active version with their marks, held-out loss marks, output lengths; the CLI's JSON and table, the API by
// role, an unknown project (404 / exit 2 naming it); and a real train run that records the held-out loss per category.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it, vi } from "vitest";
import { eq } from "drizzle-orm";
import { getDb } from "@/db/client";
import { completions, modelVersions, prompts, rankings } from "@/db/schema";
import type { Actor, AnyActor } from "@/lib/auth/roles";
import { createApiToken } from "@/lib/auth/tokens";
import { projectEvaluation } from "@/lib/evaluation/evaluation";
import { isCategoryMetric } from "@/lib/evaluation/category-metrics";
import { requestCategoryEvaluation } from "@/lib/evaluation/evaluate-job";
import { requestCategoryEvaluationInput } from "@/lib/validation/evaluation";
import { evaluationCommand } from "@/lib/cli/commands/evaluation";
import { createExport } from "@/lib/exports/snapshot";
import { createRun, getRun } from "@/lib/runs/runs";
import { createExportInput } from "@/lib/validation/exports";
import { createRunInput } from "@/lib/validation/runs";
import { NO_CATEGORY as TRAINER_NO_CATEGORY } from "@/trainer/eval-categories";
import { NO_CATEGORY } from "@/lib/evaluation/compare";
import { GET as evaluationRoute } from "@/app/api/v1/projects/[slug]/evaluation/route";
import { makeActor } from "../helpers/actors";
import { runCli } from "../helpers/cli";
import { describeEachDatabase } from "../helpers/db";
import { withInput } from "../helpers/input";
import { seedProject } from "../helpers/seed";
import { seedVersions } from "../helpers/evaluation-seed";
import { until, useTrainRunner } from "../helpers/train-run";

vi.mock("next-auth", async (importOriginal) => ({ ...(await importOriginal<typeof import("next-auth")>()), getServerSession: async () => null }));

const cliDir = fs.mkdtempSync(path.join(os.tmpdir(), "tl-evaluation-cli-"));
afterAll(() => fs.rmSync(cliDir, { recursive: true, force: true }));

const createExportVia = (actor: AnyActor, raw: unknown) => withInput(createExportInput, raw, (input) => createExport(actor, input));
const createRunVia = (actor: AnyActor, raw: unknown) => withInput(createRunInput, raw, (input) => createRun(actor, input));
const requestEvaluationVia = (actor: AnyActor, raw: unknown) => withInput(requestCategoryEvaluationInput, raw, (input) => requestCategoryEvaluation(actor, input));

describe("no-category name", () => {
  it("is the trainer's", () => expect(NO_CATEGORY).toBe(TRAINER_NO_CATEGORY));
});

describeEachDatabase("evaluation per category", () => {
  it("win rates against the previous and the active version, loss and length per category, with marks", async () => {
    await seedVersions();
    const reviewer = await makeActor("reviewer");
    const ev = await projectEvaluation(reviewer, { projectSlug: "evalp" });
    expect(ev.categories).toEqual(["open QA", "coding"]);
    expect(ev.versions.map((v) => [v.label, v.previous, v.isActive])).toEqual([["v1", null, false], ["v2", "v1", true], ["v3", "v2", false]]);
    const [v1, v2, v3] = ev.versions;
    const win = (w: { winRate: number | null; ci: [number, number] | null; n: number; wins: number; losses: number; ties: number; mark: string | null; against: string } | null) =>
      w && { against: w.against, n: w.n, wins: w.wins, losses: w.losses, ties: w.ties, winRate: Number(w.winRate!.toFixed(4)), mark: w.mark };

    // v2 against v1: coding 5 gate wins + 1 in the fresh ranking = 6 of 6 (interval [100, 100], improved);
    // open QA 1 W, 3 L, 1 T = 30% (5 judgments, the interval spans 50%: not marked); all 11: (7 + ½) / 11 = 68.1818%,
    // not marked: its standard error is 13.9 points (sample sd 0.462 / √11), the interval reaches down to about 41%.
    expect(win(v2.byCategory.coding.vsPrevious)).toEqual({ against: "v1", n: 6, wins: 6, losses: 0, ties: 0, winRate: 100, mark: "improved" });
    expect(v2.byCategory.coding.vsPrevious!.ci).toEqual([100, 100]);
    expect(win(v2.byCategory["open QA"].vsPrevious)).toEqual({ against: "v1", n: 5, wins: 1, losses: 3, ties: 1, winRate: 30, mark: null });
    expect(v2.byCategory["open QA"].vsPrevious!.ci![0]).toBeLessThan(50);
    expect(v2.byCategory["open QA"].vsPrevious!.ci![1]).toBeGreaterThan(50);
    expect(win(v2.all.vsPrevious)).toEqual({ against: "v1", n: 11, wins: 7, losses: 3, ties: 1, winRate: 68.1818, mark: null });
    expect(v2.all.vsPrevious!.ci![0]).toBeLessThan(50);
    expect(v2.byCategory.coding.vsActive).toBeNull(); // v2 is the active one

    // v3 against v2 (previous and active): open QA 0 of 5 (regressed); coding 3 gate wins + 1 fresh = 4 of 4, too few to mark.
    for (const w of [v3.byCategory["open QA"].vsPrevious, v3.byCategory["open QA"].vsActive]) expect(win(w)).toEqual({ against: "v2", n: 5, wins: 0, losses: 5, ties: 0, winRate: 0, mark: "regressed" });
    expect(v3.byCategory["open QA"].vsPrevious!.ci).toEqual([0, 0]);
    expect(win(v3.byCategory.coding.vsPrevious)).toEqual({ against: "v2", n: 4, wins: 4, losses: 0, ties: 0, winRate: 100, mark: null });

    // v1 (the first) against the active v2: the mirror of v2's figures.
    expect(v1.byCategory.coding.vsPrevious).toBeNull();
    expect(win(v1.byCategory.coding.vsActive)).toEqual({ against: "v2", n: 6, wins: 0, losses: 6, ties: 0, winRate: 0, mark: "regressed" });
    expect(win(v1.all.vsActive)).toEqual({ against: "v2", n: 11, wins: 3, losses: 7, ties: 1, winRate: 31.8182, mark: null });

    // Loss: v2 coding 1.5 vs 2.0, noise 1.96·√(0.05² + 0.05²) = 0.139 → improved; open QA +0.05 → not marked;
    // v3 coding +0.1 vs 1.96·√(0.1² + 0.05²) = 0.219 → not marked; open QA +0.35 → regressed; v1 has no previous.
    expect([v1, v2, v3].map((v) => [v.byCategory.coding.loss?.mark, v.byCategory["open QA"].loss?.mark])).toEqual([[null, null], ["improved", null], [null, "regressed"]]);
    expect(v3.byCategory["open QA"].loss).toMatchObject({ loss: 2.4, se: 0.05, tokens: 100, examples: 4 });
    expect([v1.loss, v2.loss, v3.loss]).toEqual([2, 1.8, 1.9]);
    expect(v2.perplexity).toBeCloseTo(Math.exp(1.8), 4);

    // Lengths (characters): v2 coding 5 × 10 (gate vs v1) + 3 × 10 (gate vs v3) + 40 (fresh) = 9 outputs, mean 120/9, median 10;
    // v2 open QA 30, 31, 32, 33, 30 (vs v1) + 5 × 30 (vs v3): mean 306/10 = 30.6, median 30. Imported and excluded rankings' outputs still count as written.
    const len = (l: { outputs: number; meanChars: number; medianChars: number } | null) => l && { ...l, meanChars: Number(l.meanChars.toFixed(6)) };
    expect(len(v2.byCategory.coding.length)).toEqual({ outputs: 9 + 2, meanChars: Number(((120 + 2) / 11).toFixed(6)), medianChars: 10 });
    expect(len(v2.byCategory["open QA"].length)).toEqual({ outputs: 10, meanChars: 30.6, medianChars: 30 });
    expect(len(v3.all.length)).toEqual({ outputs: 9, meanChars: Number(((500 + 36 + 12) / 9).toFixed(6)), medianChars: 100 });
  });

  it("leaves out reward models: no row, never a version's previous, no win rate against one; the evaluate job refuses one (400 naming versionId)", async () => {
    const { project, v2, v3 } = await seedVersions();
    const reviewer = await makeActor("reviewer");
    const before = await projectEvaluation(reviewer, { projectSlug: "evalp" });
    const db = getDb();
    // A reward model registered between v2 and v3 (the "one registered just before" v3), trained from v2, with figures of its own.
    const [rm] = await db
      .insert(modelVersions)
      .values({ projectId: project.id, label: "rm1", kind: "reward", base: "tiny", config: {}, checkpointPath: "/nowhere/rm1", parentId: v2.id, metrics: { "eval/loss": 0.5, "eval/accuracy": 0.8, "eval/loss@coding": 0.4, "eval/loss_se@coding": 0.01, "eval/tokens@coding": 100, "eval/examples@coding": 4 }, createdAt: new Date(Date.now() - 15 * 60_000) })
      .returning();
    // v3 with parentId rm1 (as if its lineage named the reward model): its previous is still a policy, v2.
    await db.update(modelVersions).set({ parentId: rm.id }).where(eq(modelVersions.id, v3.id));
    // A reward model writes no outputs; should a completion name one, a ranking placing it counts for nobody.
    const [p] = await db.insert(prompts).values({ projectId: project.id, instruction: "A coding task for the reward model", category: "coding", source: "human", status: "approved" }).returning();
    const cs = await db
      .insert(completions)
      .values([
        { promptId: p.id, text: "r".repeat(50), source: "model" as const, modelVersionId: rm.id },
        { promptId: p.id, text: "s".repeat(50), source: "model" as const, modelVersionId: v3.id },
      ])
      .returning({ id: completions.id });
    await db.insert(rankings).values({ promptId: p.id, annotatorId: (await makeActor("annotator")).id, source: "human", order: [[cs[0].id], [cs[1].id]], noneAcceptable: false });

    const ev = await projectEvaluation(reviewer, { projectSlug: "evalp" });
    expect(ev.versions.map((v) => [v.label, v.previous])).toEqual([["v1", null], ["v2", "v1"], ["v3", "v2"]]);
    expect(JSON.stringify(ev)).not.toContain(rm.id);
    expect(JSON.stringify(ev)).not.toContain("rm1");
    // Win rates and losses as without it; v3's coding outputs gain the one above (length only).
    const v3Now = ev.versions[2];
    const v3Before = before.versions[2];
    expect(v3Now.byCategory.coding.vsPrevious).toEqual(v3Before.byCategory.coding.vsPrevious);
    expect(v3Now.byCategory["open QA"]).toEqual(v3Before.byCategory["open QA"]);
    expect(v3Now.all.vsPrevious).toEqual(v3Before.all.vsPrevious);
    expect(v3Now.byCategory.coding.loss).toEqual(v3Before.byCategory.coding.loss);
    expect(ev.versions.slice(0, 2)).toEqual(before.versions.slice(0, 2));
    expect(ev.categories).toEqual(before.categories);

    await expect(requestEvaluationVia(await makeActor("admin"), { projectSlug: "evalp", versionId: rm.id })).rejects.toMatchObject({ status: 400, fieldErrors: { versionId: [expect.stringMatching(/reward model/)] } });
  });

  it("the CLI prints the same figures as JSON and as a table; the API answers reviewers; an unknown project is a 404 naming it", async () => {
    await seedVersions();
    const reviewer = await makeActor("reviewer");
    const expected = await projectEvaluation(reviewer, { projectSlug: "evalp" });
    const log = vi.spyOn(console, "log").mockImplementation(() => {});
    try {
      expect(await evaluationCommand(["--project", "evalp", "--json"])).toBe(0);
      expect(JSON.parse(String(log.mock.calls.at(-1)![0]))).toEqual(JSON.parse(JSON.stringify(expected)));
      log.mockClear();
      expect(await evaluationCommand(["--project", "evalp"])).toBe(0);
      const table = log.mock.calls.map((c) => String(c[0])).join("\n");
      expect(table).toMatch(/v3 {2}held-out loss 1\.9000/);
      expect(table).toMatch(/open QA\s+2\.4000 ▼\s+0\.0% \[0, 0\] n=5 ▼/);
    } finally {
      log.mockRestore();
    }
    await expect(projectEvaluation(reviewer, { projectSlug: "nope" })).rejects.toMatchObject({ status: 404, fieldErrors: { projectSlug: ["Unknown project"] } });

    const token = async (a: Actor) => (await createApiToken({ ...a, role: "admin" }, { name: `t-${a.name}` })).token;
    const get = async (slug: string, a: Actor) => evaluationRoute(new Request(`http://localhost/api/v1/projects/${slug}/evaluation`, { headers: { authorization: `Bearer ${await token(a)}` } }), { params: Promise.resolve({ slug }) });
    const ok = await get("evalp", reviewer);
    expect(ok.status).toBe(200);
    expect(await ok.json()).toEqual(JSON.parse(JSON.stringify(expected)));
    expect((await get("evalp", await makeActor("annotator"))).status).toBe(403);
    const missing = await get("nope", reviewer);
    expect(missing.status).toBe(404);
    expect(JSON.stringify(await missing.json())).toMatch(/nope/);
  });

  describe("a real train run", () => {
    const runner = useTrainRunner("tl-evaluation");
    it("records the held-out loss of each category on the version; the evaluate job computes it again for a version without", async () => {
      const admin = await makeActor("admin");
      const project = await seedProject({ slug: "evalrun" });
      const db = getDb();
      const made = await db
        .insert(prompts)
        .values(Array.from({ length: 12 }, (_, i) => ({ projectId: project.id, instruction: `Task ${i}: say something about ${i}`, category: i % 3 === 0 ? null : i % 2 ? "coding" : "open QA", source: "import" as const, status: "approved" as const })))
        .returning({ id: prompts.id, category: prompts.category });
      await db.insert(completions).values(made.map((p, i) => ({ promptId: p.id, text: `Answer ${i} for you.`, source: "human" as const, isDemonstration: true, status: "approved" as const })));
      const snap = await createExportVia(admin, { projectSlug: "evalrun", options: { evalFraction: 0.5 } });
      const evalIds = fs.readFileSync(path.join(snap.dir, "sft.eval.jsonl"), "utf8").split("\n").filter(Boolean).map((l) => (JSON.parse(l) as { meta: { promptId: string } }).meta.promptId);
      const want = new Map<string, number>();
      for (const id of evalIds) {
        const c = made.find((p) => p.id === id)!.category ?? NO_CATEGORY;
        want.set(c, (want.get(c) ?? 0) + 1);
      }
      expect(evalIds.length).toBeGreaterThan(0);
      await runner.start();
      const run = await createRunVia(admin, { projectSlug: "evalrun", stage: "sft", base: "tiny", snapshotId: snap.id, hyperparameters: { steps: 2, batch: 2, blockSize: 64, evalEvery: 2, saveEvery: 10 } });
      const done = await until(async () => {
        const r = await getRun(admin, run.id);
        return ["failed", "succeeded", "cancelled"].includes(r.run.status) ? r : null;
      }, 150_000);
      expect(done.run.status, done.run.error ?? "").toBe("succeeded");
      const [v] = await db.select().from(modelVersions).where(eq(modelVersions.projectId, project.id));
      const ev = await projectEvaluation(admin, { projectSlug: "evalrun" });
      const cats = ev.versions[0].byCategory;
      // every category of the eval rows has its figures, as many rows as the snapshot holds of it
      expect(Object.fromEntries(Object.entries(cats).filter(([, c]) => c.loss).map(([k, c]) => [k, c.loss!.examples]))).toEqual(Object.fromEntries(want));
      // their token-weighted mean is the version's held-out loss (the trainer's eval/loss over the same rows)
      const rows = Object.values(cats).flatMap((c) => (c.loss ? [c.loss] : []));
      const tokens = rows.reduce((a, c) => a + c.tokens, 0);
      expect(rows.reduce((a, c) => a + c.loss * c.tokens, 0) / tokens).toBeCloseTo(v.metrics["eval/loss"], 3);

      // A version without them (trained before they were recorded): the evaluate job computes the same figures again.
      const recorded = Object.fromEntries(Object.entries(v.metrics).filter(([k]) => isCategoryMetric(k)));
      await db.update(modelVersions).set({ metrics: Object.fromEntries(Object.entries(v.metrics).filter(([k]) => !isCategoryMetric(k))) }).where(eq(modelVersions.id, v.id));
      expect(Object.values((await projectEvaluation(admin, { projectSlug: "evalrun" })).versions[0].byCategory).some((c) => c.loss)).toBe(false);
      await expect(requestEvaluationVia(await makeActor("reviewer"), { projectSlug: "evalrun", versionId: v.id })).rejects.toMatchObject({ status: 403 });
      expect(await requestEvaluationVia(admin, { projectSlug: "evalrun", versionId: v.id })).toMatchObject({ queued: true });
      const again = await until(async () => {
        const [row] = await db.select().from(modelVersions).where(eq(modelVersions.id, v.id));
        return Object.keys(row.metrics).some(isCategoryMetric) ? row : null;
      }, 120_000);
      const recomputed = Object.fromEntries(Object.entries(again.metrics).filter(([k]) => isCategoryMetric(k)));
      expect(Object.keys(recomputed).sort()).toEqual(Object.keys(recorded).sort());
      for (const [k, x] of Object.entries(recorded)) expect(recomputed[k]).toBeCloseTo(x, 4);
      expect(again.metrics["eval/loss"]).toBe(v.metrics["eval/loss"]);
    }, 300_000);
  });
});

describe("tuneloop evaluation", () => {
  it("exits 2 naming an unknown project, and naming a missing flag", async () => {
    const r = await runCli(cliDir, ["evaluation", "--project", "nope", "--json"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/No project "nope"/);
    const bare = await runCli(cliDir, ["evaluation"]);
    expect(bare.code).toBe(2);
    expect(bare.stderr).toMatch(/--project/);
  }, 60_000);
});
