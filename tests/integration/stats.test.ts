// Project figures on a real database after imports, rankings and leases; and `tuneloop stats`.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { runCli } from "../helpers/cli";
import { afterAll, describe, expect, it } from "vitest";
import { eq } from "drizzle-orm";
import { getDb } from "@/db/client";
import { assignments, completions, prompts, rankings } from "@/db/schema";
import { importFile } from "@/lib/imports/import-file";
import { createProject, systemActor } from "@/lib/projects/projects";
import { getProjectStats } from "@/lib/stats/project-stats";
import { makeActor } from "../helpers/actors";
import { describeEachDatabase } from "../helpers/db";

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "tuneloop-stats-"));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
const jsonl = (rows: unknown[]) => rows.map((r) => JSON.stringify(r)).join("\n") + "\n";

function writeSamples() {
  const alpaca = path.join(dir, "alpaca.jsonl");
  fs.writeFileSync(alpaca, jsonl([{ instruction: "One?", output: "1" }, { instruction: "Two?", output: "2" }, { instruction: "Three?", output: "3" }]));
  const pairs = path.join(dir, "pairs.jsonl");
  fs.writeFileSync(pairs, jsonl([{ prompt: "Capital of France?", chosen: "Paris", rejected: "Lyon" }, { prompt: "2+2?", chosen: "4", rejected: "5" }]));
  return { alpaca, pairs };
}

describeEachDatabase("stats", () => {
  it("counts prompts by status, completions and rankings by source, settled prompts and open leases", async () => {
    const admin = await makeActor("admin");
    const annotator = await makeActor("annotator");
    const reviewer = await makeActor("reviewer");
    await createProject(admin, { slug: "demo", name: "Demo" });
    const other = await createProject(admin, { slug: "other", name: "Other" });
    const { alpaca, pairs } = writeSamples();
    await importFile(admin, { projectSlug: "demo", path: alpaca });
    await importFile(admin, { projectSlug: "demo", path: pairs });
    await importFile(admin, { projectSlug: "other", path: alpaca });

    const empty = await getProjectStats(reviewer, "other");
    expect(empty.prompts.total).toBe(3);

    const db = getDb();
    const demo = (await db.select().from(prompts).where(eq(prompts.instruction, "Capital of France?")))[0];
    const cs = await db.select().from(completions).where(eq(completions.promptId, demo.id));
    await db.insert(completions).values({ promptId: demo.id, text: "Paris, of course", source: "model", generator: "v1" });
    await db.insert(rankings).values({ promptId: demo.id, annotatorId: annotator.id, source: "human", order: cs.map((c) => [c.id]) });
    // A revised ranking: only the current revision counts.
    await db.insert(rankings).values({ promptId: demo.id, annotatorId: reviewer.id, source: "human", order: cs.map((c) => [c.id]), isCurrent: false });
    await db.update(prompts).set({ settled: true }).where(eq(prompts.id, demo.id));
    await db.insert(prompts).values({ projectId: demo.projectId, instruction: "Draft", source: "human", status: "draft", authorId: annotator.id });
    const hour = 3600_000;
    await db.insert(assignments).values([
      { promptId: demo.id, projectId: demo.projectId, userId: annotator.id, displayOrder: [], expiresAt: new Date(Date.now() + hour) },
      { promptId: demo.id, projectId: demo.projectId, userId: reviewer.id, displayOrder: [], expiresAt: new Date(Date.now() - hour) },
      { promptId: demo.id, projectId: demo.projectId, userId: admin.id, displayOrder: [], expiresAt: new Date(Date.now() + hour), status: "submitted" },
      { promptId: demo.id, projectId: other.id, userId: (await makeActor("annotator")).id, displayOrder: [], expiresAt: new Date(Date.now() + hour) },
    ]);

    const stats = await getProjectStats(reviewer, "demo");
    expect(stats).toEqual({
      project: { slug: "demo", name: "Demo" },
      prompts: { draft: 1, submitted: 0, approved: 5, rejected: 0, total: 6 },
      completions: { human: 3, model: 1, import: 4, total: 8 },
      rankings: { human: 1, import: 2, total: 3 },
      settledPrompts: 1,
      openLeases: 1,
      modelVersions: 0,
      outputsByModelVersion: {},
      outputsBySource: {},
      runs: { queued: 0, running: 0, succeeded: 0, failed: 0, cancelled: 0, total: 0 },
    });
    await expect(getProjectStats(annotator, "demo")).rejects.toMatchObject({ status: 403 });
    await expect(getProjectStats(reviewer, "nope")).rejects.toMatchObject({ status: 404 });
    expect((await getProjectStats(systemActor, "demo")).prompts.total).toBe(6);
  });
});



describe("tuneloop stats (CLI, embedded PGlite)", () => {
  const data = fs.mkdtempSync(path.join(os.tmpdir(), "tuneloop-cli-stats-"));
  afterAll(() => fs.rmSync(data, { recursive: true, force: true }));

  it("prints counts as JSON or a table; unknown project and bad flags exit 2", async () => {
    const { alpaca, pairs } = writeSamples();
    expect((await runCli(data, ["project", "create", "--slug", "demo", "--name", "Demo"])).code).toBe(0);
    expect((await runCli(data, ["import", alpaca, "--project", "demo"])).code).toBe(0);
    expect((await runCli(data, ["import", pairs, "--project", "demo"])).code).toBe(0);
    const json = await runCli(data, ["stats", "--project", "demo", "--json"]);
    expect(json.code, json.stderr).toBe(0);
    expect(JSON.parse(json.stdout)).toEqual({
      project: { slug: "demo", name: "Demo" },
      prompts: { draft: 0, submitted: 0, approved: 5, rejected: 0, total: 5 },
      completions: { human: 3, model: 0, import: 4, total: 7 },
      rankings: { human: 0, import: 2, total: 2 },
      settledPrompts: 0,
      openLeases: 0,
      modelVersions: 0,
      outputsByModelVersion: {},
      outputsBySource: {},
      runs: { queued: 0, running: 0, succeeded: 0, failed: 0, cancelled: 0, total: 0 },
    });
    const table = await runCli(data, ["stats", "--project", "demo"]);
    expect(table.stdout).toMatch(/^Demo \(demo\)\n/);
    expect(table.stdout).toMatch(/prompts approved\s+5\n/);
    expect(table.stdout).toMatch(/rankings import\s+2\n/);
    expect(table.stdout).toMatch(/open leases\s+0\n/);
    const missing = await runCli(data, ["stats", "--project", "nope"]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/No project "nope"/);
    expect((await runCli(data, ["stats"])).code).toBe(2);
    expect((await runCli(data, ["stats", "--project", "demo", "--verbose"])).code).toBe(2);
  });
});
