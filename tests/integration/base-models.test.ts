// Imported base models on both databases: the import job turns a tiny random Llama folder the test writes into a
// ready base model a project picks; bad folders are refused by the field (no such folder, a file, no config.json) or
// fail with the trainer's own reason (an unsupported rope_scaling); a second import of a folder while one runs is a 409;
// LoRA on a GPT-2-shaped base is a 422 naming hyperparameters.lora.
import fs from "node:fs";
import path from "node:path";
import { expect, it } from "vitest";
import { describeEachDatabase } from "../helpers/db";
import { makeActor } from "../helpers/actors";
import { seedProject } from "../helpers/seed";
import { until, useTrainRunner } from "../helpers/train-run";
import { writeRandomLlama, type LlamaFolderOptions } from "../helpers/trainer-llama-folder";
import { getDb } from "@/db/client";
import { projects } from "@/db/schema";
import { AppError } from "@/lib/errors";
import { resetEnvForTests } from "@/lib/env";
import { reconcileRuns } from "@/lib/jobs/runner";
import { insertBaseModel } from "@/db/queries/base-models";
import { getBaseModel, getProjectBase, importBaseModel, listBaseModels, setProjectBase } from "@/lib/runs/base-models";
import { createRun, resolveBase } from "@/lib/runs/runs";
import { createRunInput } from "@/lib/validation/runs";
import { importBaseModelInput } from "@/lib/validation/runs-base-models";
import { evaluateSchedule, setRetrainSchedule } from "@/lib/runs/schedule";
import { getRun } from "@/lib/runs/runs";
import { retrainScheduleInput } from "@/lib/validation/runs";
import { eq } from "drizzle-orm";

const tiny: LlamaFolderOptions = { family: "llama", hidden: 16, heads: 2, kvHeads: 1, layers: 1, intermediate: 32, maxPositions: 64, tied: true, dtype: "F32", seed: 3 };

async function refused(p: Promise<unknown>): Promise<AppError> {
  const e = await p.then(
    () => null,
    (err: unknown) => err,
  );
  expect(e, "expected a refusal").toBeInstanceOf(AppError);
  return e as AppError;
}

describeEachDatabase("base models", () => {
  const runner = useTrainRunner("tl-base", { dataIn: "data", remove: true });
  const dir = runner.dir;

  const finished = (admin: Awaited<ReturnType<typeof makeActor>>, id: string) =>
    until(async () => {
      const m = await getBaseModel(admin, id);
      return m.status !== "importing" ? m : null;
    }, 90_000);

  it("imports a tiny Llama folder as a job, picks it as the project's base, and the first run starts from it", async () => {
    const project = await seedProject();
    const admin = await makeActor("admin");
    const folder = path.join(dir(), "TinyLlama-test");
    writeRandomLlama(folder, tiny);
    const queued = await importBaseModel(admin, importBaseModelInput.parse({ path: folder, projectSlug: project.slug }));
    expect(queued).toMatchObject({ name: "TinyLlama-test", status: "importing", family: "llama", sourcePath: folder });
    // The same folder again while the first import runs (no runner yet, so it is still importing): 409 naming the path.
    const again = await refused(importBaseModel(admin, { path: folder, name: "other-name" }));
    expect(again.status).toBe(409);
    expect(again.fieldErrors?.path).toBeTruthy();

    await runner.start();
    const ready = await finished(admin, queued.id);
    expect(ready.status, ready.error ?? "").toBe("ready");
    expect(ready).toMatchObject({ family: "llama", lora: true, shape: { layers: 1, width: 16 } });
    expect(fs.existsSync(path.join(dir(), "data", "base-models", queued.id, "config.json"))).toBe(true);
    // Imported for the project, which had no base: it is now the project's base, and "active" (no version yet) resolves to it.
    expect((await getProjectBase(admin, project.slug))?.id).toBe(queued.id);
    const [row] = await getDb().select().from(projects).where(eq(projects.id, project.id));
    const base = await resolveBase(getDb(), row, "active");
    expect(base).toMatchObject({ base: "model:TinyLlama-test", baseModelVersionId: null });
    expect(base.checkpoint).toBe(path.join(dir(), "data", "base-models", queued.id));
    expect((await listBaseModels(admin)).map((m) => m.name)).toEqual(["TinyLlama-test"]);

    // Once ready, the folder may be imported again under another name; the name itself is taken.
    const taken = await refused(importBaseModel(admin, { path: folder }));
    expect(taken.status).toBe(409);
    expect(taken.fieldErrors?.name).toBeTruthy();
  });

  it("refuses bad folders by the field, and a folder the trainer cannot import fails with the trainer's own reason", async () => {
    await seedProject();
    const admin = await makeActor("admin");
    const missing = await refused(importBaseModel(admin, { path: path.join(dir(), "nope") }));
    expect([missing.status, missing.fieldErrors?.path?.[0]]).toEqual([400, expect.stringContaining("No such folder")]);
    const file = path.join(dir(), "weights.bin");
    fs.writeFileSync(file, "x");
    const notDir = await refused(importBaseModel(admin, { path: file }));
    expect(notDir.fieldErrors?.path?.[0]).toMatch(/is a file, not a folder/);
    fs.mkdirSync(path.join(dir(), "empty"));
    const noConfig = await refused(importBaseModel(admin, { path: path.join(dir(), "empty") }));
    expect(noConfig.fieldErrors?.path?.[0]).toMatch(/no config\.json/);
    fs.mkdirSync(path.join(dir(), "badjson"));
    fs.writeFileSync(path.join(dir(), "badjson", "config.json"), "{not json");
    expect((await refused(importBaseModel(admin, { path: path.join(dir(), "badjson") }))).fieldErrors?.path?.[0]).toMatch(/not readable JSON/);
    // The zod boundary: a relative path, an empty one, a bad name.
    for (const [input, field] of [[{ path: "models/x" }, "path"], [{ path: "" }, "path"], [{ path: "/x", name: "bad name!" }, "name"]] as const) {
      const r = importBaseModelInput.safeParse(input);
      expect(r.success).toBe(false);
      expect(r.error!.issues[0].path[0]).toBe(field);
    }
    // A reviewer may look but not import.
    const reviewer = await makeActor("reviewer");
    expect((await refused(importBaseModel(reviewer, { path: path.join(dir(), "nope") }))).status).toBe(403);

    // Llama 3.1's rope_scaling passes the form's checks but the trainer refuses it by name.
    const scaled = path.join(dir(), "scaled");
    writeRandomLlama(scaled, { ...tiny, config: { rope_scaling: { rope_type: "yarn", factor: 4 } } });
    const queued = await importBaseModel(admin, { path: scaled });
    await runner.start();
    const failed = await finished(admin, queued.id);
    expect(failed.status).toBe("failed");
    expect(failed.error).toMatch(/rope_scaling/);
    expect(failed.error!.split("\n")).toHaveLength(1);
    expect(fs.existsSync(path.join(dir(), "data", "base-models", queued.id))).toBe(false);
    // A failed import frees its name and folder: importing again is allowed (and fails the same way).
    const retry = await importBaseModel(admin, { path: scaled });
    expect((await finished(admin, retry.id)).status).toBe("failed");
    // Not ready: a project cannot pick it.
    const pick = await refused(setProjectBase(admin, { projectSlug: "demo", baseModelId: retry.id }));
    expect([pick.status, Object.keys(pick.fieldErrors ?? {})]).toEqual([422, ["baseModelId"]]);
  });

  it("LoRA only on a Llama-family base: a preset is a 422 naming hyperparameters.lora", async () => {
    await seedProject();
    const admin = await makeActor("admin");
    const lora = { rank: 4, alpha: 8, targets: ["q", "v"] };
    const e = await refused(createRun(admin, createRunInput.parse({ projectSlug: "demo", stage: "sft", base: "tiny", hyperparameters: { steps: 2, lora } })));
    expect(e.status).toBe(422);
    expect(Object.keys(e.fieldErrors ?? {})).toEqual(["hyperparameters.lora"]);
    expect(e.message).toMatch(/Llama-family/);
    // A bad LoRA block is refused by the schema the form and the action use, naming the field.
    for (const [bad, field] of [[{ ...lora, rank: 0 }, "rank"], [{ ...lora, targets: ["qkv"] }, "targets"], [{ ...lora, alpha: "x" }, "alpha"]] as const) {
      const r = createRunInput.safeParse({ projectSlug: "demo", base: "tiny", hyperparameters: { lora: bad } });
      expect(r.success).toBe(false);
      expect(r.error!.issues[0].path.slice(0, 3).join(".")).toBe(`hyperparameters.lora.${field}`);
    }
    const pilot = createRunInput.safeParse({ projectSlug: "demo", hyperparameters: { pilot: 0.9 } });
    expect(pilot.error?.issues[0].path.join(".")).toBe("hyperparameters.pilot");
    const unknown = await refused(createRun(admin, createRunInput.parse({ projectSlug: "demo", stage: "sft", base: `model:${"0".repeat(8)}-0000-4000-8000-${"0".repeat(12)}` })));
    expect(Object.keys(unknown.fieldErrors ?? {})).toEqual(["base"]);
  });

  it("the schedule fine-tunes the project's imported base with its own LoRA and pilot choice; LoRA on a preset is refused in its decision", async () => {
    const project = await seedProject();
    const admin = await makeActor("admin");
    const tenPairs = () => Promise.resolve(10);
    const lora = { rank: 4, alpha: 8, targets: ["q", "k", "v", "o"] };
    // No imported base yet: the scheduled run would start from the tiny preset, where LoRA is refused.
    await setRetrainSchedule(admin, retrainScheduleInput.parse({ projectSlug: project.slug, cron: "0 0 * * *", minNewPairs: 1, hyperparameters: { lora, pilot: 0.2 } }));
    const refusedRun = await evaluateSchedule(project.id, new Date(Date.now() + 2 * 86_400_000), tenPairs);
    expect(refusedRun.fire).toBe(false);
    expect(refusedRun.reason).toMatch(/Starting the run failed: LoRA needs a Llama-family base/);

    const folder = path.join(dir(), "sched-llama");
    writeRandomLlama(folder, tiny);
    const queued = await importBaseModel(admin, { path: folder, projectSlug: project.slug });
    await runner.start();
    expect((await finished(admin, queued.id)).status).toBe("ready");
    // Stop taking jobs: the scheduled run stays queued for the test to read.
    await runner.stop();
    await setRetrainSchedule(admin, retrainScheduleInput.parse({ projectSlug: project.slug, cron: "0 0 * * *", minNewPairs: 1, hyperparameters: { lora, pilot: 0.2 } }));
    const fired = await evaluateSchedule(project.id, new Date(Date.now() + 2 * 86_400_000), tenPairs);
    expect(fired.fire, fired.reason).toBe(true);
    const { run } = await getRun(admin, fired.runId!);
    expect(run).toMatchObject({ base: "model:sched-llama", trigger: "schedule" });
    expect(run.hyperparameters).toMatchObject({ lora, pilot: 0.2 });
  });

  it("an import registered but never sent (the process died before the send) is sent by the reconciler and completes", async () => {
    const admin = await makeActor("admin");
    const folder = path.join(dir(), "lost-llama");
    writeRandomLlama(folder, tiny);
    const row = await insertBaseModel(getDb(), { name: "lost-llama", sourcePath: folder, checkpointPath: path.join(dir(), "data", "base-models", "lost"), family: "llama", status: "importing", createdAt: new Date(Date.now() - 5 * 60_000) });
    expect((await reconcileRuns()).resent).toBe(1);
    expect((await reconcileRuns()).resent).toBe(0);
    await runner.start();
    expect((await finished(admin, row.id)).status).toBe("ready");
  });

  it("the queue-time memory check plans LoRA as the trainer does: a SmolLM2-135M-shaped LoRA run fits the wasm heap, the same run fully fine-tuned is refused", async () => {
    await seedProject();
    const admin = await makeActor("admin");
    const savedBackend = process.env.TUNELOOP_TF_BACKEND;
    process.env.TUNELOOP_TF_BACKEND = "wasm";
    resetEnvForTests();
    try {
      // Only config.json is read at queue time: SmolLM2-135M-Instruct's shape (30 layers, width 576, GQA 9/3, tied head).
      const ckpt = path.join(dir(), "smollm2-shape");
      fs.mkdirSync(ckpt);
      fs.writeFileSync(path.join(ckpt, "config.json"), JSON.stringify({ architectures: ["LlamaForCausalLM"], model_type: "llama", vocab_size: 49152, num_hidden_layers: 30, num_attention_heads: 9, num_key_value_heads: 3, hidden_size: 576, intermediate_size: 1536, max_position_embeddings: 8192, tie_word_embeddings: true, tuneloop: { blockSize: 4096 } }));
      const hp = { steps: 10, batch: 8, blockSize: 256 };
      const full = await refused(createRun(admin, createRunInput.parse({ projectSlug: "demo", stage: "sft", base: ckpt, hyperparameters: hp })));
      expect(full.status).toBe(422);
      expect(Object.keys(full.fieldErrors ?? {})).toContain("hyperparameters.batch");
      const run = await createRun(admin, createRunInput.parse({ projectSlug: "demo", stage: "sft", base: ckpt, hyperparameters: { ...hp, lora: { rank: 16, alpha: 32, targets: ["q", "k", "v", "o", "gate", "up", "down"] } } }));
      expect(run.status).toBe("queued");
    } finally {
      process.env.TUNELOOP_TF_BACKEND = savedBackend;
      if (savedBackend === undefined) delete process.env.TUNELOOP_TF_BACKEND;
      resetEnvForTests();
    }
  });
});
