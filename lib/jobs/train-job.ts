// The `train` job: claim the run, export a snapshot if needed, run the trainer in a child process,
// stream its progress, phase and log into the run's rows, and register the new model version on success; a
// failed run keeps the trainer's own reason (its `error` event) as its error.
import "server-only";
import fs from "node:fs";
import path from "node:path";
import { getDb } from "@/db/client";
import { getReadyBaseModelByName } from "@/db/queries/base-models";
import { getProjectById } from "@/db/queries/projects";
import * as q from "@/db/queries/runs";
import type { NewTrainingMetric, TrainingRun } from "@/db/schema";
import { recordAudit } from "@/lib/audit";
import { env } from "@/lib/env";
import { hyperparametersSchema, readRunProgress, type RunProgress } from "@/trainer/protocol";
import { runLauncher } from "@/lib/launchers/run-launcher";
import { categoryEvalMetrics } from "@/lib/evaluation/category-eval";
import { exportSnapshotForRun } from "./export-for-run";
import { queueGeneration } from "./generation-progress";
import { emitWebhookEvent } from "@/lib/webhooks/emit";
import { markRunFailed } from "./run-failed";
import { queueScoring } from "./score-job";
import { createRunWriter } from "./run-writer";
import { startTrainerProcess, type TrainerEvent } from "./trainer-process";
import { z } from "zod";

/** A running run whose heartbeat is older than this was orphaned by a crashed runner. */
export const HEARTBEAT_STALE_MS = 60_000;
const HEARTBEAT_MS = 5_000;

export function runWorkDir(runId: string) {
  return path.join(env().dataDir, "runs", runId);
}

/** Takes the run for this process, or returns null when it is finished, cancelled, or alive elsewhere. */
async function claimRun(runId: string): Promise<TrainingRun | null> {
  return getDb().transaction(async (tx) => {
    const run = await q.getRunById(tx, runId, { lock: true });
    if (!run) return null;
    const stale = !run.heartbeatAt || Date.now() - run.heartbeatAt.getTime() > HEARTBEAT_STALE_MS;
    if (run.status === "running" && !stale) return null;
    if (run.status !== "queued" && run.status !== "running") return null;
    if (run.cancelRequested) {
      await q.updateRun(tx, runId, { status: "cancelled", finishedAt: new Date() });
      return null;
    }
    return q.updateRun(tx, runId, {
      status: "running",
      startedAt: run.startedAt ?? new Date(),
      heartbeatAt: new Date(),
      attempts: run.attempts + 1,
      workDir: runWorkDir(runId),
    });
  });
}

function trainerArgs(run: TrainingRun, snapshotDir: string, baseCheckpoint: string | null, outDir: string): string[] {
  // Stored by createRun through the same schema; parsed again because a row outlives the code that wrote it.
  const parsed = hyperparametersSchema.safeParse(run.hyperparameters);
  if (!parsed.success) throw new Error(`stored hyperparameters are not valid: ${parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")}`);
  const h = parsed.data;
  const args = ["train", "--snapshot", snapshotDir, "--stage", run.kind, "--out", outDir];
  args.push(...(baseCheckpoint ? ["--from", baseCheckpoint] : ["--init", run.base === "small" ? "small" : "tiny"]));
  args.push("--steps", String(h.steps), "--lr", String(h.lr), "--batch", String(h.batch), "--seed", String(h.seed));
  args.push("--eval-every", String(h.evalEvery), "--save-every", String(h.saveEvery));
  if (run.kind !== "sft") args.push("--beta", String(h.beta));
  if (h.blockSize) args.push("--block-size", String(h.blockSize));
  if (h.lora) args.push("--lora-rank", String(h.lora.rank), "--lora-alpha", String(h.lora.alpha), "--lora-targets", h.lora.targets.join(","));
  if (h.pilot) args.push("--pilot", String(h.pilot));
  // A previous attempt left a training state behind: continue from it.
  if (fs.existsSync(outDir)) args.push("--resume");
  return args;
}

/** The checkpoint of the imported base model a run names (`model:NAME`); gone or not ready is the run's failure. */
async function importedBaseCheckpoint(name: string): Promise<string> {
  const model = await getReadyBaseModelByName(getDb(), name);
  if (!model) throw new Error(`the base model ${name} is no longer imported`);
  return model.checkpointPath;
}

/** A step's or an evaluation's metrics become metric rows (`loss`, `rewards/accuracies`, …); nulls (no value) are left out. */
function metricRows(runId: string, e: { step: number; metrics: Record<string, number | null> }, split: "train" | "eval"): NewTrainingMetric[] {
  return Object.entries(e.metrics)
    .filter((kv): kv is [string, number] => typeof kv[1] === "number" && Number.isFinite(kv[1]))
    .map(([name, value]) => ({ runId, step: e.step, split, name, value }));
}

/** The log lines the run page shows while the trainer runs (the last ones; the whole tail is stored at the end). */
const LIVE_LOG_LINES = 40;

export async function runTrainJob(runId: string): Promise<void> {
  const run = await claimRun(runId);
  if (!run) return;
  const db = getDb();
  const workDir = runWorkDir(runId);
  fs.mkdirSync(workDir, { recursive: true });
  const heartbeat = setInterval(() => void q.updateRun(db, runId, { heartbeatAt: new Date() }).catch(() => {}), HEARTBEAT_MS);
  let progress: RunProgress = { ...readRunProgress(run.progress), phase: "exporting" };
  try {
    await q.updateRun(db, runId, { progress });
    const project = await getProjectById(db, run.projectId);
    const snapshot = await exportSnapshotForRun(run, project);
    if (!run.exportId) await q.updateRun(db, runId, { exportId: snapshot.exportId });
    const base = run.baseModelVersionId ? await q.getModelVersionById(db, run.baseModelVersionId) : null;
    const baseCheckpoint = base?.checkpointPath ?? (run.base.startsWith("/") ? run.base : run.base.startsWith("model:") ? await importedBaseCheckpoint(run.base.slice("model:".length)) : null);
    const outDir = path.join(workDir, "checkpoint");
    // A project that trains through a launcher runs its command instead of the built-in trainer (lib/launchers).
    if (project.settings.launcher) {
      const register = (dir: string, metrics: Record<string, number>, extraConfig: Record<string, unknown>, p: RunProgress, logTail: string) =>
        registerModelVersion(run, project.id, snapshot.exportId, baseCheckpoint, dir, { type: "done", checkpoint: dir, metrics }, p, logTail, extraConfig);
      await runLauncher({ run, launcher: project.settings.launcher, snapshotDir: snapshot.dir, baseModel: baseCheckpoint ?? run.base, workDir, progress, register });
      return;
    }

    progress = { ...progress, phase: "starting" };
    let done: Extract<TrainerEvent, { type: "done" }> | null = null;
    let failure: string | null = null;
    const log: string[] = [];
    // Progress, metrics and the log are written once a second when something changed; the cancel flag is read as often.
    const writer = createRunWriter(db, runId, {
      progress: () => progress,
      logTail: () => log.join("\n"),
      onCancel: () => trainer.stop("SIGTERM"),
      what: "progress",
    });
    const trainer = startTrainerProcess(
      trainerArgs(run, snapshot.dir, baseCheckpoint, outDir),
      (e) => {
        if (e.type === "start") progress = { ...progress, totalSteps: e.totalSteps, stages: e.stages, plan: e.plan, skipped: e.skipped };
        else if (e.type === "phase") progress = { ...progress, phase: e.phase, ...(e.stage ? { stage: e.stage } : {}) };
        else if (e.type === "step") {
          progress = { ...progress, phase: "training", step: e.step, totalSteps: e.totalSteps, loss: e.loss, tokensPerSec: e.tokensPerSec, etaMs: e.etaMs, stage: e.stage };
          writer.addMetrics(metricRows(runId, e, "train"));
        } else if (e.type === "eval") writer.addMetrics(metricRows(runId, e, "eval"));
        else if (e.type === "pilot") progress = { ...progress, pilot: { share: e.share, examples: e.examples, lossBefore: e.lossBefore, lossAfter: e.lossAfter, passed: e.passed } };
        else if (e.type === "done") done = e;
        else if (e.type === "error") failure = e.message;
      },
      (line) => {
        log.push(line);
        if (log.length > LIVE_LOG_LINES) log.shift();
        writer.logChanged();
      },
    );
    writer.start();
    const exit = await trainer.done;
    await writer.stop();
    const latest = await q.getRunById(db, runId);
    if (writer.cancelled() || latest?.cancelRequested) {
      await q.updateRun(db, runId, { status: "cancelled", finishedAt: new Date(), progress, logTail: exit.logTail });
      return;
    }
    if (exit.code !== 0 || !done) {
      // The trainer's own reason when it gave one; else how it ended and the log's last line (a crash, a kill).
      const lastLine = exit.logTail.trim().split("\n").at(-1) ?? "";
      const error = failure ?? `trainer exited with ${exit.code ?? exit.signal}${done ? "" : " before finishing"}${lastLine ? `: ${lastLine}` : ""}`;
      await markRunFailed(run, { progress, error, logTail: exit.logTail });
      return;
    }
    const finished: Extract<TrainerEvent, { type: "done" }> = done;
    // Held-out loss per category (the Evaluation page); a failure here leaves the version without them, not unregistered.
    const byCategory = run.kind === "rm" ? {} : await categoryEvalMetrics({ projectId: project.id, snapshotDir: snapshot.dir, checkpoint: finished.checkpoint || outDir, workDir }).catch((e: Error) => {
      console.warn(`[tuneloop] run ${runId}: no per-category evaluation: ${e.message}`);
      return {};
    });
    await registerModelVersion(run, project.id, snapshot.exportId, baseCheckpoint, outDir, { ...finished, metrics: { ...finished.metrics, ...byCategory } }, progress, exit.logTail);
  } catch (e) {
    await markRunFailed(run, { progress, error: (e as Error).message });
  } finally {
    clearInterval(heartbeat);
  }
}

/** Moves the finished checkpoint under models/ and records the version, once, with the run marked succeeded. */
async function registerModelVersion(
  run: TrainingRun,
  projectId: string,
  exportId: string,
  baseCheckpoint: string | null,
  outDir: string,
  done: Extract<TrainerEvent, { type: "done" }>,
  progress: RunProgress,
  logTail: string,
  /** more for the version's config (a launcher's command, an external model's endpoint) */
  extraConfig: Record<string, unknown> = {},
) {
  const db = getDb();
  const finalDir = path.join(env().dataDir, "models", run.id);
  fs.mkdirSync(path.dirname(finalDir), { recursive: true });
  if (!fs.existsSync(finalDir)) fs.renameSync(done.checkpoint || outDir, finalDir);
  const metrics = Object.fromEntries(Object.entries(done.metrics ?? {}).filter((kv): kv is [string, number] => typeof kv[1] === "number" && Number.isFinite(kv[1])));
  const configFile = path.join(finalDir, "config.json");
  // The checkpoint's config as the trainer wrote it: an object, kept whole on the version.
  const config = fs.existsSync(configFile) ? z.record(z.string(), z.unknown()).parse(JSON.parse(fs.readFileSync(configFile, "utf8"))) : {};
  const registered = await db.transaction(async (tx) => {
    const existing = await q.getModelVersionByRun(tx, run.id);
    const count = await q.countModelVersions(tx, projectId);
    const version =
      existing ??
      (await q.insertModelVersion(tx, {
        projectId,
        label: `v${count + 1}`,
        parentId: run.baseModelVersionId,
        base: baseCheckpoint ? run.base : run.base === "small" ? "small" : "tiny",
        config: { ...config, ...extraConfig, stage: run.kind, hyperparameters: run.hyperparameters },
        // a reward model scores outputs (lib/suggestions); it never generates and is never promoted as the policy
        kind: run.kind === "rm" ? "reward" : "policy",
        checkpointPath: finalDir,
        exportId,
        runId: run.id,
        metrics,
      }));
    await q.updateRun(tx, run.id, { status: "succeeded", finishedAt: new Date(), progress: { ...progress, phase: "done" }, resultModelVersionId: version.id, logTail });
    await recordAudit(tx, { actorId: null, action: "model.register", targetType: "model_version", targetId: version.id, data: { runId: run.id, label: version.label } });
    await emitWebhookEvent(tx, { projectId, event: "run.succeeded", data: { runId: run.id, kind: run.kind, versionId: version.id, label: version.label, metrics: version.metrics } });
    return version;
  });
  // The newest reward model is the project's active one: it scores the open prompts' outputs. A policy meets the gate.
  if (registered.kind === "reward") await queueScoring(projectId).catch((e: Error) => console.warn("[tuneloop] could not queue scoring:", e.message));
  else await queueReleaseGate(projectId, registered.id);
}

/**
 * The release gate: the new version and the active one answer held-out prompts side by side, as
 * blind pairwise ranking tasks. Queued once per version (a retried job finds its tasks there already).
 */
async function queueReleaseGate(projectId: string, versionId: string) {
  const db = getDb();
  const [project, active] = await Promise.all([getProjectById(db, projectId), q.getActiveModelVersion(db, projectId)]);
  if (!project || !active || active.id === versionId) return;
  try {
    await queueGeneration({ projectId, projectSlug: project.slug, versionId, kind: "compare", trigger: "gate", limit: 40, singletonKey: `compare-${versionId}` });
  } catch (e) {
    // The version stands; an admin can queue the comparison from the Models page.
    console.warn("[tuneloop] could not queue the release-gate comparison:", (e as Error).message);
  }
}
