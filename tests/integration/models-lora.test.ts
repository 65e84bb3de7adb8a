// The "done when" on a tiny model, on both databases: a Llama folder the test writes is imported through the
// job, becomes the project's base, a LoRA retrain through the job runner registers a version (with its PEFT adapter),
// the promoted version writes outputs rendered with the model's chat template, and they reach an annotator's queue.
import fs from "node:fs";
import path from "node:path";
import { expect, it } from "vitest";
import { sql } from "drizzle-orm";
import { describeEachDatabase } from "../helpers/db";
import { makeActor } from "../helpers/actors";
import { seedProject } from "../helpers/seed";
import { until, useTrainRunner } from "../helpers/train-run";
import { writeRandomLlama } from "../helpers/trainer-llama-folder";
import { getDb } from "@/db/client";
import { completions, prompts } from "@/db/schema";
import { enqueue } from "@/lib/jobs/queue";
import { getBaseModel, importBaseModel } from "@/lib/runs/base-models";
import { createRun, getRun, promoteModelVersion } from "@/lib/runs/runs";
import { nextTask } from "@/lib/rankings/tasks";
import { createRunInput } from "@/lib/validation/runs";
import type { Actor } from "@/lib/auth/roles";
import { withInput } from "../helpers/input";
import { nextTaskInput } from "@/lib/validation/rankings";

/** Parsed at the boundary first, as the action, route and CLI do. */
const nextTaskVia = (actor: Actor, raw: unknown) => withInput(nextTaskInput, raw, (input) => nextTask(actor, input));

describeEachDatabase("LoRA retrain of an imported model", () => {
  const runner = useTrainRunner("tl-lora-app", { dataIn: "data", remove: true });
  const dir = runner.dir;

  it("import → project base → LoRA run → version → outputs in the ranking queue", async () => {
    const project = await seedProject();
    const db = getDb();
    // Settled demonstrations: they train, and generation leaves them be.
    for (let i = 0; i < 8; i++) {
      const [p] = await db.insert(prompts).values({ projectId: project.id, instruction: `Say hello ${i}`, source: "human", status: "approved", settled: true }).returning();
      await db.insert(completions).values({ promptId: p.id, text: `hello world ${i}`, source: "human", isDemonstration: true, status: "approved" });
    }
    const admin = await makeActor("admin");
    const folder = path.join(dir(), "tiny-chat");
    writeRandomLlama(folder, { family: "qwen2", hidden: 16, heads: 2, kvHeads: 1, layers: 1, intermediate: 32, maxPositions: 64, tied: true, dtype: "F32", seed: 5 });
    const queued = await importBaseModel(admin, { path: folder, projectSlug: project.slug });
    await runner.start();
    const ready = await until(async () => {
      const m = await getBaseModel(admin, queued.id);
      return m.status !== "importing" ? m : null;
    }, 90_000);
    expect(ready.status, ready.error ?? "").toBe("ready");

    const lora = { rank: 2, alpha: 4, targets: ["q", "v"] };
    const { id } = await createRun(admin, createRunInput.parse({ projectSlug: project.slug, stage: "sft", base: "active", hyperparameters: { steps: 2, batch: 2, blockSize: 32, evalEvery: 1, saveEvery: 1, lora } }));
    const { run } = await until(async () => {
      const r = await getRun(admin, id);
      return ["failed", "succeeded", "cancelled"].includes(r.run.status) ? r : null;
    }, 150_000);
    expect(run.status, `${run.error}\n${run.logTail}`).toBe("succeeded");
    expect(run.base).toBe("model:tiny-chat");
    const [version] = (await db.execute(sql`select id, label, base, checkpoint_path, config from model_versions`)).rows as Array<{ id: string; label: string; base: string; checkpoint_path: string; config: { hyperparameters?: { lora?: unknown } } }>;
    expect(version).toMatchObject({ label: "v1", base: "model:tiny-chat" });
    expect(version.config.hyperparameters?.lora).toEqual(lora);
    // The adapter in PEFT's format beside the checkpoint the app generates from.
    expect(fs.existsSync(path.join(version.checkpoint_path, "adapter_config.json"))).toBe(true);

    await promoteModelVersion(admin, { versionId: version.id });
    await db.insert(prompts).values({ projectId: project.id, instruction: "Name a fruit", source: "human", status: "approved" });
    await enqueue("generate", { projectSlug: project.slug, limit: 5, maxTokens: 6 });
    const made = await until(async () => {
      const rows = (await db.execute(sql`select c.id, c.generator, c.model_version_id from completions c join prompts p on p.id = c.prompt_id where p.instruction = 'Name a fruit'`)).rows as Array<{ id: string; generator: string; model_version_id: string }>;
      return rows.length ? rows : null;
    }, 90_000);
    expect(made).toHaveLength(4);
    expect(made.every((c) => c.generator === "v1" && c.model_version_id === version.id)).toBe(true);
    const annotator = await makeActor("annotator");
    const task = await nextTaskVia(annotator, { projectSlug: project.slug });
    expect(task?.prompt.instruction).toBe("Name a fruit");
    expect(task?.outputs.map((o) => o.id).sort()).toEqual(made.map((c) => c.id).sort());
  }, 400_000);

  it("a pilot run through the job runner: its verdict is stored as progress.pilot and the full run goes on", async () => {
    const project = await seedProject();
    const db = getDb();
    for (let i = 0; i < 40; i++) {
      const [p] = await db.insert(prompts).values({ projectId: project.id, instruction: `say ${i}`, source: "human", status: "approved", settled: true }).returning();
      await db.insert(completions).values({ promptId: p.id, text: `number ${i} is ${i % 2 ? "odd" : "even"}`, source: "human", isDemonstration: true, status: "approved" });
    }
    const admin = await makeActor("admin");
    await runner.start();
    const { id } = await createRun(admin, createRunInput.parse({ projectSlug: project.slug, stage: "sft", base: "tiny", hyperparameters: { steps: 40, batch: 4, lr: 3e-3, blockSize: 48, evalEvery: 1000, saveEvery: 1000, pilot: 0.25 } }));
    const { run } = await until(async () => {
      const r = await getRun(admin, id);
      return ["failed", "succeeded", "cancelled"].includes(r.run.status) ? r : null;
    }, 300_000);
    expect(run.status, `${run.error}\n${run.logTail}`).toBe("succeeded");
    const pilot = run.progress.pilot;
    expect(pilot).toMatchObject({ share: 0.25, passed: true });
    expect(pilot!.examples).toBeGreaterThan(0);
    expect(pilot!.lossAfter!).toBeLessThan(pilot!.lossBefore!);
    expect(run.hyperparameters).toMatchObject({ pilot: 0.25 });
  }, 400_000);
});
