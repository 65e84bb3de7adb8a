// A retrain through the project's launcher (README "Train on a cluster"): start the command with the run's TUNELOOP_*
// environment, turn its JSON lines into progress and metric rows, keep its log on the run, stop it on cancel (SIGTERM,
// then SIGKILL after the grace period), and on exit 0 register what it wrote; any other exit fails the run with the log.
import "server-only";
import fs from "node:fs";
import path from "node:path";
import { getDb } from "@/db/client";
import * as q from "@/db/queries/runs";
import type { LauncherSettings, NewTrainingMetric, TrainingRun } from "@/db/schema";
import { env } from "@/lib/env";
import { DEFAULT_GRACE_SECONDS, launcherInput } from "@/lib/validation/launchers";
import { hyperparametersSchema, type RunProgress } from "@/trainer/protocol";
import { launcherProcessEnv } from "./env";
import { parseLauncherLine, type LauncherLine } from "./lines";
import { startLauncher } from "./process";
import { checkpointFromOutput, LauncherOutputError } from "./register";
import { markRunFailed } from "@/lib/jobs/run-failed";
import { createRunWriter } from "@/lib/jobs/run-writer";

/** Lines of the log a failed run quotes as its reason. */
const REASON_LINES = 12;

export type RegisterVersion = (checkpointDir: string, metrics: Record<string, number>, extraConfig: Record<string, unknown>, progress: RunProgress, logTail: string) => Promise<void>;

/** The stored launcher parsed again (a row outlives the code that wrote it); throws with the field named. */
export function storedLauncher(raw: unknown): LauncherSettings {
  const r = launcherInput.safeParse(raw);
  if (!r.success || !r.data) {
    const issues = r.success ? "launcher: not set" : r.error.issues.map((i) => `launcher${i.path.length ? "." + i.path.join(".") : ""}: ${i.message}`).join("; ");
    throw new Error(`the project's launcher setting is not valid: ${issues}`);
  }
  return r.data;
}

function metricRows(runId: string, line: LauncherLine): NewTrainingMetric[] {
  if (line.step === undefined) return [];
  const rows = (split: "train" | "eval", m: Record<string, number>) => Object.entries(m).map(([name, value]) => ({ runId, step: line.step!, split, name, value }));
  return [...rows("train", line.train), ...rows("eval", line.eval)];
}

export async function runLauncher(opts: {
  run: TrainingRun;
  launcher: LauncherSettings;
  snapshotDir: string;
  /** a checkpoint folder, or the preset the run starts from */
  baseModel: string;
  workDir: string;
  progress: RunProgress;
  register: RegisterVersion;
}): Promise<void> {
  const { run } = opts;
  const db = getDb();
  const launcher = storedLauncher(opts.launcher);
  const parsed = hyperparametersSchema.safeParse(run.hyperparameters);
  if (!parsed.success) throw new Error(`stored hyperparameters are not valid: ${parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")}`);
  const hyperparameters = parsed.data;
  // A retried attempt starts over: an engine's own resume is its business, not ours.
  const outputDir = path.join(opts.workDir, "output");
  fs.rmSync(outputDir, { recursive: true, force: true });
  fs.mkdirSync(outputDir, { recursive: true });

  let progress: RunProgress = { ...opts.progress, phase: "starting" };
  // Where an output the trainer cannot load is served: the setting, or the launcher's last {"endpoint", "model"} line.
  const served: { url: string | null; model: string | null } = { url: launcher.endpoint ?? null, model: null };
  let lastTrain: Record<string, number> = {};
  // Progress, metrics and the log are written once a second when something changed; the cancel flag is read as often.
  const writer = createRunWriter(db, run.id, {
    progress: () => progress,
    logTail: () => child.tail(),
    onCancel: () => child.stop((launcher.graceSeconds ?? DEFAULT_GRACE_SECONDS) * 1000),
    what: "launcher progress",
  });
  const child = startLauncher({
    argv: launcher.argv,
    cwd: env().rootDir,
    env: launcherProcessEnv(process.env, { runId: run.id, stage: run.kind, snapshotDir: opts.snapshotDir, baseModel: opts.baseModel, outputDir, hyperparameters }),
    logFile: path.join(opts.workDir, "launcher.log"),
    onLog: () => writer.logChanged(),
    onStdout: (text) => {
      const line = parseLauncherLine(text);
      if (!line) return false;
      if (line.endpoint) Object.assign(served, { url: line.endpoint, model: line.endpointModel ?? null });
      if (line.totalSteps !== undefined) progress = { ...progress, totalSteps: line.totalSteps };
      if (line.step !== undefined) {
        const speed = line.train.tokensPerSec ?? line.train.train_tokens_per_second;
        progress = { ...progress, phase: "training", step: line.step, ...(line.loss !== undefined ? { loss: line.loss } : {}), ...(speed !== undefined ? { tokensPerSec: speed } : {}) };
        if (Object.keys(line.train).length) lastTrain = line.train;
      }
      writer.addMetrics(metricRows(run.id, line));
      return true;
    },
  });

  writer.start();
  const exit = await child.done;
  await writer.stop();

  const latest = await q.getRunById(db, run.id);
  if (writer.cancelled() || latest?.cancelRequested) {
    await q.updateRun(db, run.id, { status: "cancelled", finishedAt: new Date(), progress, logTail: exit.logTail });
    return;
  }
  if (exit.code !== 0) {
    const how = exit.spawnError ?? `launcher exited with ${exit.code ?? exit.signal}`;
    const quoted = exit.logTail.split("\n").slice(-REASON_LINES).join("\n");
    const error = exit.spawnError || !quoted ? how : `${how}:\n${quoted}`;
    await markRunFailed(run, { progress, error, logTail: exit.logTail });
    return;
  }
  progress = { ...progress, phase: "registering" };
  await q.updateRun(db, run.id, { progress, logTail: exit.logTail });
  let output;
  try {
    output = await checkpointFromOutput(outputDir, path.join(opts.workDir, "imported"), served.url ? { url: served.url, model: served.model } : null);
  } catch (e) {
    if (!(e instanceof LauncherOutputError)) throw e;
    await markRunFailed(run, { progress, error: e.message, logTail: exit.logTail });
    return;
  }
  await opts.register(output.checkpointDir, lastTrain, { ...output.extraConfig, launcher: { template: launcher.template ?? null, argv: launcher.argv, output: output.kind } }, progress, exit.logTail);
}
