// The presets train on the real data (#22), on both databases and the wasm backend: a project gets long AlpacaEval
// outputs as demonstrations (they fill the 512-token context of `small`) and 8 HH-RLHF pairs from ../shared/data,
// then a retrain from `tiny` and from `small` with the default hyperparameters (batch 8, the preset's context, sft+dpo)
// but 3 steps runs through the job runner: export, memory plan, both stages, a registered version, no abort.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import zlib from "node:zlib";
import { afterEach, beforeEach, expect, it } from "vitest";
import { resetEnvForTests } from "@/lib/env";
import { importFile } from "@/lib/imports/import-file";
import { stopBoss } from "@/lib/jobs/queue";
import { startJobRunner, type JobRunner } from "@/lib/jobs/runner";
import { createRun, getRun } from "@/lib/runs/runs";
import { makeActor } from "../helpers/actors";
import { describeEachDatabase } from "../helpers/db";
import { seedProject } from "../helpers/seed";
import { skipBecause } from "../helpers/skip";
import type { AnyActor } from "@/lib/auth/roles";
import { withInput } from "../helpers/input";
import { createRunInput } from "@/lib/validation/runs";

/** Parsed at the boundary first, as the action, route and CLI do. */
const createRunVia = (actor: AnyActor, raw: unknown) => withInput(createRunInput, raw, (input) => createRun(actor, input));

const DATA = path.resolve(import.meta.dirname, "../../../shared/data");
const gz = (file: string) => zlib.gunzipSync(fs.readFileSync(path.join(DATA, file))).toString("utf8").split("\n").filter((l) => l.trim());

/** Alpaca rows from the first AlpacaEval ranking tasks, each with its longest model output (over 512 bytes). */
function demonstrationsFile(dir: string, n: number) {
  const rows = gz("alpaca-eval-ranking-tasks.jsonl.gz")
    .map((l) => JSON.parse(l) as { instruction: string; outputs: Array<{ output: string }> })
    .map((t) => ({ instruction: t.instruction, input: "", output: t.outputs.map((o) => o.output).sort((a, b) => b.length - a.length)[0] }))
    .filter((r) => r.output.length > 600)
    .slice(0, n);
  const file = path.join(dir, "demos.jsonl");
  fs.writeFileSync(file, rows.map((r) => JSON.stringify(r)).join("\n"));
  return file;
}

/** The first HH-RLHF transcripts, as the file has them. */
function pairsFile(dir: string, n: number) {
  const file = path.join(dir, "hh.jsonl");
  fs.writeFileSync(file, gz("hh-rlhf-harmless-test.jsonl.gz").slice(0, n).join("\n"));
  return file;
}

describeEachDatabase("training the presets on the real data", () => {
  let runner: JobRunner | null = null;
  const saved = { dir: process.env.TUNELOOP_DATA_DIR, backend: process.env.TUNELOOP_TF_BACKEND };
  let dir = "";
  beforeEach(() => {
    dir = fs.mkdtempSync(`${os.tmpdir()}/tl-real-`);
    process.env.TUNELOOP_DATA_DIR = dir;
    process.env.TUNELOOP_TF_BACKEND = "wasm";
    resetEnvForTests();
  });
  afterEach(async () => {
    await runner?.stop();
    runner = null;
    await stopBoss();
    for (const [k, v] of [["TUNELOOP_DATA_DIR", saved.dir], ["TUNELOOP_TF_BACKEND", saved.backend]] as const) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
    resetEnvForTests();
  });

  for (const base of ["tiny", "small"] as const) {
    it(`${base}: the default hyperparameters train 3 steps of SFT then DPO without abort, in passes that fit`, async (ctx) => {
      if (!fs.existsSync(DATA)) skipBecause(ctx, `../shared/data is absent (an outside clone): no real data to train ${base} on`);
      const admin = await makeActor("admin");
      await seedProject({ slug: "demo" });
      await importFile(admin, { projectSlug: "demo", path: demonstrationsFile(dir, 24), format: "alpaca" });
      await importFile(admin, { projectSlug: "demo", path: pairsFile(dir, 8) });
      runner = await startJobRunner({ pollSeconds: 0.5 });
      const { id } = await createRunVia(admin, { projectSlug: "demo", base, hyperparameters: { steps: 3 } });
      const { run, metrics } = await (async () => {
        // About 1 minute for small on two idle cores; the margin is for a machine shared with other test runs.
        for (const deadline = Date.now() + 720_000; Date.now() < deadline; await new Promise((r) => setTimeout(r, 500))) {
          const r = await getRun(admin, id);
          if (["failed", "succeeded", "cancelled"].includes(r.run.status)) return r;
        }
        throw new Error("the run did not finish in 12 minutes");
      })();
      expect(run.status, `${run.error}\n${run.logTail}`).toBe("succeeded");
      expect(run.logTail).not.toMatch(/Aborted|out of bounds/);
      expect(run.hyperparameters).toMatchObject({ batch: 8 });
      const p = run.progress;
      expect(p.stages?.map((s) => s.stage)).toEqual(["sft", "dpo"]);
      expect(p.plan?.backend).toBe("wasm");
      // The real examples fill the context: `small` cannot take 8 sequences of 512 tokens in one plain pass on wasm, so
      // its blocks are recomputed in backward and one pass takes all 8 (SFT) or 4 pairs (DPO, the tightest).
      if (base === "small") expect(p.plan).toMatchObject({ microBatch: 8, recompute: true });
      expect(p.plan!.peakBytes).toBeLessThanOrEqual(p.plan!.budgetBytes);
      for (const [from, to] of [[0, 2], [2, 3]]) expect(metrics.some((m) => m.split === "train" && m.name === "loss" && m.step > from && m.step <= to)).toBe(true);
    }, 780_000);
  }
});
