// The job runner on both databases: export jobs write snapshots; train jobs claim their run, record a failed trainer with
// its log tail, and a run orphaned by a dead runner is re-queued.
import fs from "node:fs";
import { expect, it } from "vitest";
import { sql } from "drizzle-orm";
import { describeEachDatabase } from "../helpers/db";
import { until, useTrainRunner } from "../helpers/train-run";
import { makeActor } from "../helpers/actors";
import { seedProject } from "../helpers/seed";
import { getDb } from "@/db/client";
import { completions, exports, prompts, trainingRuns } from "@/db/schema";
import { reconcileRuns } from "@/lib/jobs/runner";
import { enqueue } from "@/lib/jobs/queue";
import { createRun, getRun, promoteModelVersion } from "@/lib/runs/runs";
import { nextTask } from "@/lib/rankings/tasks";
import { submitRanking } from "@/lib/rankings/submit";
import type { AnyActor, Actor } from "@/lib/auth/roles";
import { withInput } from "../helpers/input";
import { createRunInput, promoteVersionInput } from "@/lib/validation/runs";
import { submitRankingInput, nextTaskInput } from "@/lib/validation/rankings";

/** Parsed at the boundary first, as the action, route and CLI do. */
const promoteModelVersionVia = (actor: AnyActor, raw: unknown) => withInput(promoteVersionInput, raw, (input) => promoteModelVersion(actor, input));
const createRunVia = (actor: AnyActor, raw: unknown) => withInput(createRunInput, raw, (input) => createRun(actor, input));

const submitRankingVia = (actor: Actor, raw: unknown) => withInput(submitRankingInput, raw, (input) => submitRanking(actor, input));
const nextTaskVia = (actor: Actor, raw: unknown) => withInput(nextTaskInput, raw, (input) => nextTask(actor, input));

describeEachDatabase("job runner", () => {
  const runner = useTrainRunner("tl-runner");

  async function seedData() {
    const project = await seedProject();
    const [p] = await getDb().insert(prompts).values({ projectId: project.id, instruction: "Say hi", source: "human", status: "approved" }).returning();
    await getDb().insert(completions).values({ promptId: p.id, text: "Hi!", source: "human", isDemonstration: true, status: "approved" });
    return project;
  }

  it("runs export jobs", async () => {
    await seedData();
    await runner.start();
    await enqueue("export", { projectSlug: "demo", options: { evalFraction: 0 } });
    const [row] = await until(async () => {
      const rows = await getDb().select().from(exports);
      return rows.length ? rows : null;
    });
    expect(row.counts["sft.train.jsonl"]).toBe(1);
  });

  it("a train job exports a snapshot, trains in a child process, streams metrics and registers one model version", async () => {
    const project = await seedData();
    // More demonstrations (settled, so generation below leaves them be): a lone prompt lands in the 5% eval split one
    // time in twenty, leaving nothing to train on.
    for (const i of [1, 2, 3]) {
      const [p] = await getDb().insert(prompts).values({ projectId: project.id, instruction: `Say hi ${i}`, source: "human", status: "approved", settled: true }).returning();
      await getDb().insert(completions).values({ promptId: p.id, text: `Hi ${i}!`, source: "human", isDemonstration: true, status: "approved" });
    }
    const admin = await makeActor("admin");
    await runner.start();
    const { id } = await createRunVia(admin, { projectSlug: "demo", stage: "sft", base: "tiny", hyperparameters: { steps: 2, batch: 2, blockSize: 32, evalEvery: 1, saveEvery: 1 } });
    const { run, metrics } = await until(async () => {
      const r = await getRun(admin, id);
      return ["failed", "succeeded", "cancelled"].includes(r.run.status) ? r : null;
    }, 110_000);
    expect(run.status, `${run.error}\n${run.logTail}`).toBe("succeeded");
    expect(run.exportId).toBeTruthy();
    expect(metrics.some((m) => m.split === "train" && m.name === "loss")).toBe(true);
    const versions = (await getDb().execute(sql`select label, run_id, checkpoint_path, metrics from model_versions`)).rows as Array<{ label: string; run_id: string; checkpoint_path: string }>;
    expect(versions).toHaveLength(1);
    expect(versions[0]).toMatchObject({ label: "v1", run_id: id });
    expect(fs.existsSync(`${versions[0].checkpoint_path}/model.safetensors`)).toBe(true);

    // Promote it; a generate job has it write K outputs for a prompt that has none; they reach an annotator's queue.
    await promoteModelVersionVia(admin, { versionId: run.resultModelVersionId });
    await getDb().insert(prompts).values({ projectId: (await getDb().select().from(prompts))[0].projectId, instruction: "Name a fruit", source: "human", status: "approved" });
    await enqueue("generate", { projectSlug: "demo", limit: 5, maxTokens: 8 });
    const made = await until(async () => {
      const rows = (await getDb().execute(sql`select c.id, c.generator from completions c join prompts p on p.id = c.prompt_id where p.instruction = 'Name a fruit'`)).rows as Array<{ id: string; generator: string }>;
      return rows.length ? rows : null;
    }, 60_000);
    expect(made).toHaveLength(4);
    expect(made.every((c) => c.generator === "v1")).toBe(true);
    // "Say hi" (one demonstration) was topped up too and is older, so it comes first.
    const annotator = await makeActor("annotator");
    let task = await nextTaskVia(annotator, { projectSlug: "demo" });
    if (task?.prompt.instruction !== "Name a fruit") {
      await submitRankingVia(annotator, { assignmentId: task!.assignmentId, order: task!.outputs.map((o) => [o.id]), idempotencyKey: crypto.randomUUID() });
      task = await nextTaskVia(annotator, { projectSlug: "demo" });
    }
    expect(task?.prompt.instruction).toBe("Name a fruit");
    expect(task?.outputs.map((o) => o.id).sort()).toEqual(made.map((c) => c.id).sort());
  }, 180_000);

  it("re-queues a run whose runner stopped sending heartbeats, and sends runs that never reached the queue", async () => {
    const project = await seedData();
    await getDb().insert(trainingRuns).values([
      { projectId: project.id, kind: "sft", hyperparameters: {}, base: "tiny", status: "running", heartbeatAt: new Date(Date.now() - 5 * 60_000), jobId: "old" },
      { projectId: project.id, kind: "sft", hyperparameters: {}, base: "tiny", status: "queued" },
    ]);
    const res = await reconcileRuns();
    expect(res).toEqual({ resent: 2, recovered: 1 });
    const rows = (await getDb().execute(sql`select status, job_id from training_runs`)).rows as Array<{ status: string; job_id: string | null }>;
    expect(rows.every((r) => r.status === "queued" && r.job_id && r.job_id !== "old")).toBe(true);
  });
});
