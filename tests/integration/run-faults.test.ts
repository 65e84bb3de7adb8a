// Training runs under cancel and crash: a cancelled run stops within a step and registers nothing; a worker killed with
// SIGKILL mid-run leaves a run that another runner resumes from its checkpoint and finishes once.
import { spawn } from "node:child_process";
import path from "node:path";
import { beforeEach, expect, it } from "vitest";
import { sql } from "drizzle-orm";
import { describeEachDatabase } from "../helpers/db";
import { until, useTrainRunner } from "../helpers/train-run";
import { makeActor } from "../helpers/actors";
import { seedProject } from "../helpers/seed";
import { getDb } from "@/db/client";
import { completions, prompts } from "@/db/schema";
import { cancelRun, createRun, getRun } from "@/lib/runs/runs";
import type { AnyActor } from "@/lib/auth/roles";
import { withInput } from "../helpers/input";
import { createRunInput } from "@/lib/validation/runs";

/** Parsed at the boundary first, as the action, route and CLI do. */
const createRunVia = (actor: AnyActor, raw: unknown) => withInput(createRunInput, raw, (input) => createRun(actor, input));

const root = path.resolve(import.meta.dirname, "../..");

describeEachDatabase("run faults", ({ conn, kind }) => {
  const runner = useTrainRunner("tl-faults");
  beforeEach(async () => {
    const project = await seedProject();
    for (let i = 0; i < 4; i++) {
      const [p] = await getDb().insert(prompts).values({ projectId: project.id, instruction: `Count to ${i}`, source: "human", status: "approved" }).returning();
      await getDb().insert(completions).values({ promptId: p.id, text: `${i} done`, source: "human", isDemonstration: true, status: "approved" });
    }
  });

  it("cancel stops a running run within a step and registers no version", async () => {
    const admin = await makeActor("admin");
    await runner.start();
    const { id } = await createRunVia(admin, { projectSlug: "demo", stage: "sft", base: "tiny", hyperparameters: { steps: 500, batch: 2, blockSize: 32, evalEvery: 1000, saveEvery: 1000 } });
    await until(async () => Number((await getRun(admin, id)).run.progress.step ?? 0) >= 2, 120_000);
    await cancelRun(admin, id);
    const { run } = await until(async () => {
      const r = await getRun(admin, id);
      return ["cancelled", "failed", "succeeded"].includes(r.run.status) ? r : null;
    }, 60_000);
    expect(run.status).toBe("cancelled");
    expect(Number(run.progress.step)).toBeLessThan(500);
    expect((await getDb().execute(sql`select count(*)::int as n from model_versions`)).rows[0]).toMatchObject({ n: 0 });
  }, 240_000);

  it.skipIf(kind === "pglite")("a worker killed with SIGKILL mid-run is recovered: the run resumes from its checkpoint and registers one version", async () => {
    const admin = await makeActor("admin");
    const url = (conn().pool!.options as { connectionString: string }).connectionString;
    const worker = spawn(process.execPath, [path.join(root, "lib/cli/tuneloop.mjs"), "worker"], { env: { ...process.env, DATABASE_URL: url, TUNELOOP_DATA_DIR: runner.dataDir() }, stdio: "ignore" });
    const { id } = await createRunVia(admin, { projectSlug: "demo", stage: "sft", base: "tiny", hyperparameters: { steps: 40, batch: 2, blockSize: 32, evalEvery: 1000, saveEvery: 5 } });
    await until(async () => Number((await getRun(admin, id)).run.progress.step ?? 0) >= 12, 180_000);
    worker.kill("SIGKILL");
    await new Promise((r) => worker.once("exit", r));
    // Its trainer child notices the closed channel and exits; the heartbeat stops. Age it instead of waiting a minute.
    await new Promise((r) => setTimeout(r, 1500));
    await getDb().execute(sql`update training_runs set heartbeat_at = now() - interval '10 minutes' where id = ${id}`);
    await runner.start({ pollSeconds: 0.5, reconcileMs: 500 });
    const { run } = await until(async () => {
      const r = await getRun(admin, id);
      return ["failed", "succeeded", "cancelled"].includes(r.run.status) ? r : null;
    }, 180_000);
    expect(run.status, `${run.error}\n${run.logTail}`).toBe("succeeded");
    const rows = (await getDb().execute(sql`select attempts from training_runs where id = ${id}`)).rows as Array<{ attempts: number }>;
    expect(rows[0].attempts).toBe(2);
    expect((await getDb().execute(sql`select count(*)::int as n from model_versions where run_id = ${id}`)).rows[0]).toMatchObject({ n: 1 });
    // The second attempt resumed: its first reported step continues past the checkpoint instead of starting at 1.
    const steps = (await getDb().execute(sql`select step from training_metrics where run_id = ${id} and name = 'loss' order by id`)).rows as Array<{ step: number }>;
    expect(Math.max(...steps.map((s) => s.step))).toBe(40);
  }, 420_000);
});
