// Retrains start on what the project has (#12), on both databases: a project with preference pairs and no
// demonstrations retrained with the defaults (sft+dpo) trains DPO alone and says SFT was skipped; a stage the data
// cannot feed fails with the trainer's own reason as the run's error (lib, API); a named snapshot without data for the
// stage is refused at queue time (422 naming the stage), as is a run that cannot fit in memory; `retrain --wait` prints
// the trainer's reason.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it, vi } from "vitest";
import { getDb } from "@/db/client";
import { exports, modelVersions, trainingRuns } from "@/db/schema";
import { createApiToken } from "@/lib/auth/tokens";
import { isAppError } from "@/lib/errors";
import { createExport } from "@/lib/exports/snapshot";
import { importFile } from "@/lib/imports/import-file";
import { createRun, getRun } from "@/lib/runs/runs";
import { GET as getRunRoute } from "@/app/api/v1/runs/[id]/route";
import { makeActor } from "../helpers/actors";
import { runCli } from "../helpers/cli";
import { describeEachDatabase } from "../helpers/db";
import { until, useTrainRunner } from "../helpers/train-run";
import { seedProject } from "../helpers/seed";
import type { AnyActor } from "@/lib/auth/roles";
import { withInput } from "../helpers/input";
import { createRunInput } from "@/lib/validation/runs";
import { createExportInput } from "@/lib/validation/exports";

/** Parsed at the boundary first, as the action, route and CLI do. */
const createRunVia = (actor: AnyActor, raw: unknown) => withInput(createRunInput, raw, (input) => createRun(actor, input));

const createExportVia = (actor: AnyActor, raw: unknown) => withInput(createExportInput, raw, (input) => createExport(actor, input));
vi.mock("next-auth", async (importOriginal) => ({ ...(await importOriginal<typeof import("next-auth")>()), getServerSession: async () => null }));

/** Six hh-rlhf transcripts (chosen/rejected share all but the last reply): preference pairs and no demonstration. */
function pairsFile(dir: string) {
  const rows = Array.from({ length: 6 }, (_, i) => ({
    chosen: `\n\nHuman: How do I care for plant number ${i}?\n\nAssistant: Water it weekly and give it light.`,
    rejected: `\n\nHuman: How do I care for plant number ${i}?\n\nAssistant: Ignore it.`,
  }));
  const file = path.join(dir, "pairs.jsonl");
  fs.writeFileSync(file, rows.map((r) => JSON.stringify(r)).join("\n"));
  return file;
}

const finished = (admin: Awaited<ReturnType<typeof makeActor>>, id: string) =>
  until(async () => {
    const r = await getRun(admin, id);
    return ["failed", "succeeded", "cancelled"].includes(r.run.status) ? r : null;
  }, 150_000);

describeEachDatabase("training stages chosen from the data", () => {
  const runner = useTrainRunner("tl-stages");

  it("a pairs-only project retrained with the defaults trains DPO alone; asked for SFT it fails with the trainer's reason", async () => {
    const admin = await makeActor("admin");
    await seedProject({ slug: "demo" });
    await importFile(admin, { projectSlug: "demo", path: pairsFile(runner.dataDir()) });
    await runner.start();

    const small = { steps: 2, batch: 2, blockSize: 64, evalEvery: 1, saveEvery: 10 };
    const { id } = await createRunVia(admin, { projectSlug: "demo", base: "tiny", hyperparameters: small });
    const { run, metrics } = await finished(admin, id);
    expect(run.status, `${run.error}\n${run.logTail}`).toBe("succeeded");
    expect(run.stage).toBe("sft+dpo");
    expect(run.progress.stages?.map((s) => s.stage)).toEqual(["dpo"]);
    expect(run.progress.skipped?.[0]).toMatch(/^sft: no SFT examples/);
    expect(run.progress.plan).toMatchObject({ backend: expect.any(String), microBatch: expect.any(Number) });
    expect(metrics.some((m) => m.split === "train" && m.name === "rewards/margins")).toBe(true);
    expect(await getDb().select().from(modelVersions)).toHaveLength(1);

    // SFT alone on the same data (a fresh export, so nothing is known at queue time): the trainer's reason is the error.
    const sft = await createRunVia(admin, { projectSlug: "demo", stage: "sft", base: "tiny", hyperparameters: small });
    const failed = await finished(admin, sft.id);
    expect(failed.run.status).toBe("failed");
    expect(failed.run.error).toMatch(/^snapshot .* has no SFT examples \(sft\.train\.jsonl is empty or missing: approve demonstrations/);
    expect(failed.run.error).not.toMatch(/trainer exited/);
    const token = (await createApiToken(admin, { name: "t" })).token;
    const res = await getRunRoute(new Request(`http://localhost/api/v1/runs/${sft.id}`, { headers: { authorization: `Bearer ${token}` } }), { params: Promise.resolve({ id: sft.id }) });
    expect((await res.json()).run.error).toBe(failed.run.error);
  }, 320_000);

  it("refuses at queue time, naming the field: a named snapshot without data for the stage, and a run that cannot fit", async () => {
    const admin = await makeActor("admin");
    await seedProject({ slug: "demo" });
    await importFile(admin, { projectSlug: "demo", path: pairsFile(runner.dataDir()) });
    const snap = await createExportVia(admin, { projectSlug: "demo" });
    expect(snap.counts["sft.train.jsonl"] ?? 0).toBe(0);
    const refusal = async (input: Record<string, unknown>) => {
      try {
        await createRunVia(admin, { projectSlug: "demo", ...input });
      } catch (e) {
        if (isAppError(e)) return e;
        throw e;
      }
      throw new Error("createRun did not refuse");
    };
    const noSft = await refusal({ stage: "sft", snapshotId: snap.id, base: "tiny" });
    expect(noSft.status).toBe(422);
    expect(noSft.fieldErrors?.stage?.[0]).toMatch(/no SFT examples.*choose DPO/);

    // A 1.3B-parameter GPT-2-shaped checkpoint at batch 64 and context 2048 (only its config.json is read).
    const big = path.join(runner.dataDir(), "big");
    fs.mkdirSync(big);
    fs.writeFileSync(path.join(big, "config.json"), JSON.stringify({ vocabSize: 50257, blockSize: 2048, nLayer: 24, nHead: 16, nEmbd: 2048, tokenizer: "gpt2-bpe" }));
    const tooBig = await refusal({ stage: "sft", base: big, hyperparameters: { batch: 64 } });
    expect(tooBig.status).toBe(422);
    expect(tooBig.fieldErrors?.["hyperparameters.batch"]?.[0]).toMatch(/cannot fit in memory: one training step needs about [\d.]+ GiB/);
    expect(await getDb().select().from(trainingRuns)).toHaveLength(0);
    expect((await getDb().select().from(exports)).length).toBe(1);
  }, 120_000);
});

describe("retrain --wait (embedded database)", () => {
  it("prints the trainer's own reason when the run fails and exits 1", async () => {
    const dataDir = fs.mkdtempSync(`${os.tmpdir()}/tl-retrain-`);
    expect((await runCli(dataDir, ["project", "create", "--slug", "demo", "--name", "Demo"])).code).toBe(0);
    expect((await runCli(dataDir, ["import", pairsFile(dataDir), "--project", "demo"])).code).toBe(0);
    const res = await runCli(dataDir, ["retrain", "--project", "demo", "--stage", "sft", "--base", "tiny", "--steps", "2", "--wait"]);
    expect(res.code, res.stderr).toBe(1);
    expect(res.stdout).toMatch(/Run [0-9a-f-]{36} failed: snapshot .* has no SFT examples/);
  }, 120_000);
});
