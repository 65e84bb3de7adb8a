// Retrains through a launcher, on both databases, with real processes: Tuneloop's own trainer CLI as the external engine
// (recipe "tuneloop") registers a version; a command that copies a Hugging Face folder is imported, one the trainer
// cannot load is registered as external with its endpoint; exit 3 fails with the log; a hanging one is cancelled
// (SIGTERM, and SIGKILL for one that ignores it); garbage on stdout is log, never a crash; bad settings name the field.
import fs from "node:fs";
import path from "node:path";
import { expect, it, onTestFinished, vi } from "vitest";
import { eq, sql } from "drizzle-orm";
import { getDb } from "@/db/client";
import { modelVersions, projects, type LauncherSettings } from "@/db/schema";
import { cancelRun, createRun, getRun, promoteModelVersion } from "@/lib/runs/runs";
import { updateProject } from "@/lib/projects/projects";
import { createApiToken } from "@/lib/auth/tokens";
import { isAppError, parseInput } from "@/lib/errors";
import { updateProjectInput } from "@/lib/validation/projects";
import { createRunInput } from "@/lib/validation/runs";
import { POST as createRunRoute } from "@/app/api/v1/projects/[slug]/runs/route";
import { makeActor } from "../helpers/actors";
import { describeEachDatabase } from "../helpers/db";
import { seedProject } from "../helpers/seed";
import { until, useTrainRunner } from "../helpers/train-run";
import { writeRandomLlama, type LlamaFolderOptions } from "../helpers/trainer-llama-folder";
import { chatAnswer, startFakeOpenAI } from "../helpers/fake-openai";
import { completions, prompts } from "@/db/schema";

vi.mock("next-auth", async (importOriginal) => ({ ...(await importOriginal<typeof import("next-auth")>()), getServerSession: () => Promise.resolve(null) }));

const node = process.execPath;
const tinyLlama: LlamaFolderOptions = { family: "llama", hidden: 16, heads: 2, kvHeads: 1, layers: 1, intermediate: 32, maxPositions: 64, tied: true, dtype: "F32", seed: 3 };

/** A launcher that is a short Node program (argv: node -e CODE; no shell anywhere). */
const nodeLauncher = (code: string, extra: Partial<LauncherSettings> = {}): LauncherSettings => ({ argv: [node, "-e", code], ...extra });

/** Whether a process still runs (a zombie waiting for its reaper does not). */
const alive = (pid: number) => {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2)[0] !== "Z";
  } catch {
    return false;
  }
};

describeEachDatabase("launchers", () => {
  const runner = useTrainRunner("tl-launch", { dataIn: "data", remove: true });
  const tmp = runner.dir;

  /** A project with four approved demonstrations (a lone one can land in the eval split) and the launcher. */
  async function projectWith(launcher: LauncherSettings | null) {
    const project = await seedProject({ settings: { launcher } });
    for (const i of [1, 2, 3, 4]) {
      const [p] = await getDb().insert(prompts).values({ projectId: project.id, instruction: `Say hi ${i}`, source: "human", status: "approved", settled: true }).returning();
      await getDb().insert(completions).values({ promptId: p.id, text: `Hi ${i}!`, source: "human", isDemonstration: true, status: "approved" });
    }
    return project;
  }

  async function runToEnd(admin: Awaited<ReturnType<typeof makeActor>>, hyperparameters: Record<string, unknown> = { steps: 3 }, ms = 120_000) {
    if (!runner.current()) await runner.start();
    const { id } = await createRun(admin, createRunInput.parse({ projectSlug: "demo", stage: "sft", base: "tiny", hyperparameters }));
    return until(async () => {
      const r = await getRun(admin, id);
      return ["failed", "succeeded", "cancelled"].includes(r.run.status) ? r : null;
    }, ms);
  }

  it("the built-in trainer CLI as an external engine (recipe tuneloop): JSON lines become progress and loss points, the checkpoint a version", async () => {
    await projectWith({ template: "tuneloop", argv: [node, "lib/launchers/recipes/tuneloop-train.mjs"] });
    const admin = await makeActor("admin");
    const { run, metrics } = await runToEnd(admin, { steps: 2, batch: 2, blockSize: 32, evalEvery: 1, saveEvery: 1 }, 150_000);
    expect(run.status, `${run.error}\n${run.logTail}`).toBe("succeeded");
    expect(run.progress).toMatchObject({ step: 2, totalSteps: 2 });
    expect(run.progress.tokensPerSec).toBeGreaterThan(0);
    expect(metrics.filter((m) => m.split === "train" && m.name === "loss").map((m) => m.step)).toEqual([1, 2]);
    expect(metrics.some((m) => m.split === "eval" && m.name === "loss")).toBe(true);
    const [version] = await getDb().select().from(modelVersions).where(eq(modelVersions.runId, run.id));
    expect(version).toMatchObject({ label: "v1" });
    expect(version.config).toMatchObject({ launcher: { template: "tuneloop", output: "tuneloop" }, stage: "sft" });
    expect(fs.existsSync(path.join(version.checkpointPath, "model.safetensors"))).toBe(true);
  }, 180_000);

  it("passes the env contract; a Hugging Face folder it writes is imported; one the trainer cannot load is external with its endpoint, or fails without one", async () => {
    const hf = path.join(tmp(), "hf-llama");
    writeRandomLlama(hf, tinyLlama);
    const envFile = path.join(tmp(), "env.json");
    // Copies the folder to TUNELOOP_OUTPUT, reports three steps, and records what it was given.
    const copy = `const fs=require("fs"),e=process.env;fs.writeFileSync(${JSON.stringify(envFile)},JSON.stringify(Object.fromEntries(Object.entries(e).filter(([k])=>k.startsWith("TUNELOOP_")))));
      fs.cpSync(${JSON.stringify(hf)},e.TUNELOOP_OUTPUT,{recursive:true});
      for (const s of [1,2,3]) console.log(JSON.stringify({step:s,loss:3-s/2,learning_rate:1e-4,eval_loss:s===3?1.25:undefined}));`;
    const project = await projectWith(nodeLauncher(copy));
    const admin = await makeActor("admin");
    // The app's secrets stay with the app.
    const savedKey = process.env.TUNELOOP_SECRET_KEY;
    process.env.TUNELOOP_SECRET_KEY = "k".repeat(40);
    onTestFinished(() => {
      if (savedKey === undefined) delete process.env.TUNELOOP_SECRET_KEY;
      else process.env.TUNELOOP_SECRET_KEY = savedKey;
    });
    const first = await runToEnd(admin, { steps: 3, lr: 0.0005, lora: { rank: 4, alpha: 8, targets: ["q", "v"] } });
    expect(first.run.status, `${first.run.error}\n${first.run.logTail}`).toBe("succeeded");
    const given = JSON.parse(fs.readFileSync(envFile, "utf8")) as Record<string, string>;
    expect(fs.existsSync(path.join(given.TUNELOOP_SNAPSHOT, "sft.train.jsonl"))).toBe(true);
    expect(given).toMatchObject({ TUNELOOP_RUN_ID: first.run.id, TUNELOOP_STAGE: "sft", TUNELOOP_BASE_MODEL: "tiny", TUNELOOP_STEPS: "3", TUNELOOP_LR: "0.0005", TUNELOOP_LORA_RANK: "4", TUNELOOP_LORA_TARGETS: "q,v", TUNELOOP_EVAL_EVERY: "50" });
    expect(JSON.parse(given.TUNELOOP_HYPERPARAMETERS)).toEqual(first.run.hyperparameters);
    expect(given.TUNELOOP_SECRET_KEY).toBeUndefined();
    expect(given.TUNELOOP_VARS.split(" ")).toEqual(expect.arrayContaining(["TUNELOOP_SNAPSHOT", "TUNELOOP_OUTPUT", "TUNELOOP_HYPERPARAMETERS", "TUNELOOP_LORA_RANK"]));
    expect(given.TUNELOOP_VARS).not.toContain("SECRET");
    expect(first.metrics.filter((m) => m.name === "loss").map((m) => [m.split, m.step, m.value])).toEqual([
      ["train", 1, 2.5],
      ["train", 2, 2],
      ["train", 3, 1.5],
      ["eval", 3, 1.25],
    ]);
    const [imported] = await getDb().select().from(modelVersions).where(eq(modelVersions.runId, first.run.id));
    expect(imported.config).toMatchObject({ launcher: { output: "imported" } });
    // The importer's checkpoint: a Llama-family folder with the weights, not the launcher's output folder.
    expect(JSON.parse(fs.readFileSync(path.join(imported.checkpointPath, "config.json"), "utf8"))).toMatchObject({ model_type: "llama" });
    expect(fs.existsSync(path.join(imported.checkpointPath, "model.safetensors"))).toBe(true);

    // An architecture the trainer cannot load, with the endpoint (and the name it serves it by) from a JSON line: external.
    const served = await startFakeOpenAI((r) => ({ body: chatAnswer(r.model, `served: ${r.prompt}`) }));
    onTestFinished(() => served.close());
    const foreign = `const fs=require("fs"),p=require("path"),o=process.env.TUNELOOP_OUTPUT;fs.writeFileSync(p.join(o,"config.json"),JSON.stringify({model_type:"mamba",architectures:["MambaForCausalLM"]}));
      fs.writeFileSync(p.join(o,"model.safetensors"),"x");console.log(JSON.stringify({endpoint:${JSON.stringify(served.baseUrl)},model:"mamba-ft"}));console.log(JSON.stringify({step:1,loss:1}));`;
    await getDb().update(projects).set({ settings: { ...project.settings, launcher: nodeLauncher(foreign) } }).where(eq(projects.id, project.id));
    const second = await runToEnd(admin);
    expect(second.run.status, `${second.run.error}\n${second.run.logTail}`).toBe("succeeded");
    const [external] = await getDb().select().from(modelVersions).where(eq(modelVersions.runId, second.run.id));
    expect(external).toMatchObject({ label: "v2" });
    expect(external.config).toMatchObject({ external: { endpoint: served.baseUrl, model: "mamba-ft", modelType: "mamba", architectures: ["MambaForCausalLM"] }, launcher: { output: "external" } });
    // Promoted, it writes a new prompt's K outputs through its endpoint, attributed to it.
    await promoteModelVersion(admin, { versionId: external.id });
    await getDb().insert(prompts).values({ projectId: project.id, instruction: "Name a fruit", source: "human", status: "approved" });
    const made = await until(async () => {
      const rows = (await getDb().execute(sql`select c.text, c.generator from completions c join prompts p on p.id = c.prompt_id where p.instruction = 'Name a fruit'`)).rows as Array<{ text: string; generator: string }>;
      return rows.length >= 4 ? rows : null;
    }, 60_000);
    expect(made).toEqual(Array.from({ length: 4 }, () => ({ text: "served: Name a fruit", generator: "v2" })));
    expect(served.log.filter((r) => r.prompt === "Name a fruit").map((r) => r.model)).toEqual(["mamba-ft", "mamba-ft", "mamba-ft", "mamba-ft"]);

    // The same without any endpoint: nothing to generate with, so the run fails and says what to do.
    await getDb().update(projects).set({ settings: { ...project.settings, launcher: nodeLauncher(foreign.replace(/console\.log\(JSON\.stringify\(\{endpoint[^;]*;/, "")) } }).where(eq(projects.id, project.id));
    const third = await runToEnd(admin);
    expect(third.run.status).toBe("failed");
    expect(third.run.error).toMatch(/cannot be imported .*no endpoint serves it/s);
    expect(await getDb().select().from(modelVersions).where(eq(modelVersions.runId, third.run.id))).toHaveLength(0);
  }, 240_000);

  it("a launcher that exits 3 fails the run with its log tail as the reason; one that cannot start says so", async () => {
    const project = await projectWith(nodeLauncher(`console.log("loading shards");console.error("RuntimeError: CUDA out of memory. Tried to allocate 2.00 GiB");process.exit(3)`));
    const admin = await makeActor("admin");
    const { run } = await runToEnd(admin);
    expect(run.status).toBe("failed");
    expect(run.error).toMatch(/^launcher exited with 3:/);
    expect(run.error).toContain("CUDA out of memory");
    expect(run.logTail).toContain("loading shards");

    await getDb().update(projects).set({ settings: { ...project.settings, launcher: { argv: [path.join(tmp(), "no-such-engine")] } } }).where(eq(projects.id, project.id));
    const missing = await runToEnd(admin);
    expect(missing.run.status).toBe("failed");
    expect(missing.run.error).toMatch(/could not start .*no-such-engine.*ENOENT/);
  }, 120_000);

  it("cancel: SIGTERM stops a launcher at once; one that ignores SIGTERM is killed (with what it started) after the grace period", async () => {
    const pidFile = path.join(tmp(), "pids");
    // Starts a grandchild (sleep) in its process group, prints a step, then waits for ever; on SIGTERM it says so and exits 143.
    const polite = `const {spawn}=require("child_process");const s=spawn("sleep",["600"],{stdio:"ignore"});require("fs").writeFileSync(${JSON.stringify(pidFile)},process.pid+" "+s.pid);
      console.log(JSON.stringify({step:1,loss:2,total_steps:100}));process.on("SIGTERM",()=>{console.log("stopping on SIGTERM");process.exit(143)});setInterval(()=>{},1000);`;
    const project = await projectWith(nodeLauncher(polite));
    const admin = await makeActor("admin");
    await runner.start();
    const cancelAt = async () => {
      const { id } = await createRun(admin, createRunInput.parse({ projectSlug: "demo", stage: "sft", base: "tiny", hyperparameters: { steps: 100 } }));
      await until(async () => (await getRun(admin, id)).run.progress.step === 1, 60_000);
      const t0 = Date.now();
      await cancelRun(admin, id);
      const { run } = await until(async () => {
        const r = await getRun(admin, id);
        return r.run.status !== "running" ? r : null;
      }, 60_000);
      return { run, seconds: (Date.now() - t0) / 1000, pids: fs.readFileSync(pidFile, "utf8").split(" ").map(Number) };
    };
    const first = await cancelAt();
    expect(first.run.status).toBe("cancelled");
    expect(first.run.logTail).toContain("stopping on SIGTERM");
    expect(first.run.progress).toMatchObject({ step: 1, totalSteps: 100 });
    expect(first.seconds).toBeLessThan(25); // well inside the default 30 s grace: it went on SIGTERM
    expect(first.pids.map(alive)).toEqual([false, false]);

    const stubborn = polite.replace(`console.log("stopping on SIGTERM");process.exit(143)`, `console.log("ignoring SIGTERM")`);
    await getDb().update(projects).set({ settings: { ...project.settings, launcher: nodeLauncher(stubborn, { graceSeconds: 2 }) } }).where(eq(projects.id, project.id));
    const second = await cancelAt();
    expect(second.run.status).toBe("cancelled");
    expect(second.run.logTail).toContain("ignoring SIGTERM");
    expect(second.seconds).toBeGreaterThanOrEqual(2);
    expect(second.pids.map(alive)).toEqual([false, false]);
  }, 180_000);

  it("garbage on stdout (broken JSON, binary, a 100 kB line, JSON without a step) is log; the steps among it still count and the run succeeds", async () => {
    const garbage = `const fs=require("fs"),p=require("path"),o=process.env.TUNELOOP_OUTPUT,w=(s)=>process.stdout.write(s);
      w('{"step":\\n');w('{"step":"three","loss":1}\\n');w("[1,2,3]\\nnull\\n42\\n");w(Buffer.from([0,255,254,10,0x1b,0x5b,0x32,0x4a,10]));
      w('{"step":1,"loss":2.5}\\n');w("x".repeat(100000)+"\\n");w('{"loss":9}\\n');w('{"step":-4,"loss":1}\\n');w('{"step":2,"loss":"NaN"}\\n');
      w('{"step":2,"loss":2.0,"grad_norm":1e400}\\n');w("tail without newline");
      fs.writeFileSync(p.join(o,"config.json"),"{}");fs.writeFileSync(p.join(o,"weights.bin"),"");`;
    await projectWith(nodeLauncher(garbage, { endpoint: "http://127.0.0.1:8000/v1" }));
    const admin = await makeActor("admin");
    const { run, metrics } = await runToEnd(admin);
    expect(run.status, `${run.error}\n${run.logTail}`).toBe("succeeded");
    expect(metrics.filter((m) => m.name === "loss").map((m) => [m.step, m.value])).toEqual([
      [1, 2.5],
      [2, 2],
    ]);
    expect(run.progress).toMatchObject({ step: 2, loss: 2 });
    const log = run.logTail ?? "";
    for (const line of ['{"step":', '{"step":"three","loss":1}', "[1,2,3]", '{"loss":9}', '{"step":-4,"loss":1}', "tail without newline", "(line cut)"]) expect(log).toContain(line);
    expect(log).not.toContain("\u0000");
    expect(Math.max(...log.split("\n").map((l) => l.length))).toBeLessThan(5000);
  }, 120_000);

  it("bad launcher settings are refused naming the field; a stored one gone bad refuses the run with 422", async () => {
    const project = await projectWith(null);
    const admin = await makeActor("admin");
    const refused = (launcher: unknown) => {
      try {
        // The boundary the form's action, the CLI and the API share.
        parseInput(updateProjectInput, { launcher }, "project");
      } catch (e) {
        if (isAppError(e)) return { status: e.status, fields: Object.keys(e.fieldErrors ?? {}) };
        throw e;
      }
      return null;
    };
    expect(refused({ argv: [] })).toEqual({ status: 400, fields: ["launcher.argv"] });
    expect(refused("accelerate launch train.py")).toEqual({ status: 400, fields: ["launcher"] });
    expect(refused({ argv: ["python", "a\u0000b"] })).toMatchObject({ status: 400, fields: [expect.stringMatching(/^launcher\.argv\.1$/)] });
    expect(refused({ argv: ["python", 3] })).toEqual({ status: 400, fields: ["launcher.argv.1"] });
    expect(refused({ template: "spark" })).toEqual({ status: 400, fields: ["launcher.template"] });
    expect(refused({ argv: ["x"], endpoint: "ftp://host/v1" })).toEqual({ status: 400, fields: ["launcher.endpoint"] });
    expect(refused({ argv: ["x"], graceSeconds: 0 })).toEqual({ status: 400, fields: ["launcher.graceSeconds"] });
    expect(refused({ argv: ["x"], shell: true })).toEqual({ status: 400, fields: ["launcher"] });
    // A template alone is its recipe's command; null goes back to the built-in trainer.
    expect((await updateProject(admin, "demo", parseInput(updateProjectInput, { launcher: { template: "slurm" } }, "project"))).settings.launcher).toEqual({ template: "slurm", argv: ["bash", "lib/launchers/recipes/slurm.sh"] });
    expect((await updateProject(admin, "demo", parseInput(updateProjectInput, { launcher: "" }, "project"))).settings.launcher).toBeNull();

    // Written around the validation (by hand, or by an older version): the run API answers 422 naming the field.
    await getDb().update(projects).set({ settings: { ...project.settings, launcher: { argv: [] } } }).where(eq(projects.id, project.id));
    const token = (await createApiToken(admin, { name: "t" })).token;
    const res = await createRunRoute(
      new Request("http://localhost/api/v1/projects/demo/runs", { method: "POST", headers: { "content-type": "application/json", authorization: `Bearer ${token}` }, body: JSON.stringify({ stage: "sft", base: "tiny" }) }),
      { params: Promise.resolve({ slug: "demo" }) },
    );
    expect(res.status).toBe(422);
    const body = (await res.json()) as { error: { fieldErrors: Record<string, string[]> } };
    expect(Object.keys(body.error.fieldErrors)).toEqual(["launcher.argv"]);
    expect((await getDb().execute(sql`select count(*)::int as n from training_runs`)).rows).toEqual([{ n: 0 }]);
  });
});
