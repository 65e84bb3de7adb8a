// The `train` job: claim the run, export a snapshot if needed, run the trainer in a child process,
// stream its progress into the run's rows, and register the new model version on success.
import fs from "node:fs";
import path from "node:path";
import { getDb } from "@/db/client";
import { getProjectById } from "@/db/queries/projects";
import * as q from "@/db/queries/runs";
import type { NewTrainingMetric, TrainingRun } from "@/db/schema";
import { recordAudit } from "@/lib/audit";
import { env } from "@/lib/env";
import type { Hyperparameters } from "@/lib/validation/runs";
import { exportSnapshotForRun } from "./export-for-run";
import { queueGeneration } from "./generation-progress";
import { startTrainerProcess, type TrainerEvent } from "./trainer-process";

/** A running run whose heartbeat is older than this was orphaned by a crashed runner. */
export const HEARTBEAT_STALE_MS = 60_000;
const HEARTBEAT_MS = 5_000;
const FLUSH_MS = 1_000;

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
  const h = run.hyperparameters as Hyperparameters;
  const args = ["train", "--snapshot", snapshotDir, "--stage", run.kind, "--out", outDir];
  args.push(...(baseCheckpoint ? ["--from", baseCheckpoint] : ["--init", run.base === "small" ? "small" : "tiny"]));
  args.push("--steps", String(h.steps), "--lr", String(h.lr), "--batch", String(h.batch), "--seed", String(h.seed));
  args.push("--eval-every", String(h.evalEvery), "--save-every", String(h.saveEvery));
  if (run.kind !== "sft") args.push("--beta", String(h.beta));
  if (h.blockSize) args.push("--block-size", String(h.blockSize));
  // A previous attempt left a training state behind: continue from it.
  if (fs.existsSync(outDir)) args.push("--resume");
  return args;
}

/** Numbers in a trainer event become metric rows (`loss`, `rewards/accuracies`, …). */
function metricRows(runId: string, e: TrainerEvent, split: "train" | "eval"): NewTrainingMetric[] {
  const step = Number(e.step);
  if (!Number.isFinite(step)) return [];
  const metrics = (e.metrics && typeof e.metrics === "object" ? e.metrics : e) as Record<string, unknown>;
  return Object.entries(metrics)
    .filter(([k, v]) => typeof v === "number" && Number.isFinite(v) && !["step", "totalSteps", "epoch", "elapsedMs", "etaMs"].includes(k))
    .map(([name, value]) => ({ runId, step, split, name, value: value as number }));
}

export async function runTrainJob(runId: string): Promise<void> {
  const run = await claimRun(runId);
  if (!run) return;
  const db = getDb();
  const workDir = runWorkDir(runId);
  fs.mkdirSync(workDir, { recursive: true });
  const heartbeat = setInterval(() => void q.updateRun(db, runId, { heartbeatAt: new Date() }).catch(() => {}), HEARTBEAT_MS);
  try {
    const project = (await getProjectById(db, run.projectId))!;
    const snapshot = await exportSnapshotForRun(run, project);
    if (!run.exportId) await q.updateRun(db, runId, { exportId: snapshot.exportId });
    const base = run.baseModelVersionId ? await q.getModelVersionById(db, run.baseModelVersionId) : null;
    const baseCheckpoint = base?.checkpointPath ?? (run.base.startsWith("/") ? run.base : null);
    const outDir = path.join(workDir, "checkpoint");

    let progress: Record<string, number | string | null> = { ...(run.progress ?? {}), phase: "training" };
    let pending: NewTrainingMetric[] = [];
    let done: TrainerEvent | null = null;
    let cancelled = false;
    const trainer = startTrainerProcess(trainerArgs(run, snapshot.dir, baseCheckpoint, outDir), (e) => {
      if (e.type === "step") {
        progress = { ...progress, step: Number(e.step), totalSteps: Number(e.totalSteps ?? (run.hyperparameters as Hyperparameters).steps), loss: Number(e.loss), tokensPerSec: Number(e.tokensPerSec ?? 0), etaMs: Number(e.etaMs ?? 0), stage: String(e.stage ?? run.kind) };
        pending.push(...metricRows(runId, e, "train"));
      } else if (e.type === "eval") {
        pending.push(...metricRows(runId, e, "eval"));
      } else if (e.type === "done") {
        done = e;
      }
    });
    // Progress is written at most once a second, and only when a step brought something new (a write on the
    // embedded database holds the web server's thread); the cancel flag is read at the same pace.
    let written = progress;
    const flusher = setInterval(async () => {
      const rows = pending;
      pending = [];
      try {
        let current;
        if (rows.length || progress !== written) {
          await q.insertMetrics(db, rows);
          written = progress;
          current = await q.updateRun(db, runId, { progress, heartbeatAt: new Date() });
        } else current = await q.getRunById(db, runId);
        if (current?.cancelRequested && !cancelled) {
          cancelled = true;
          trainer.stop("SIGTERM");
        }
      } catch (e) {
        console.warn("[tuneloop] could not write progress:", (e as Error).message);
      }
    }, FLUSH_MS);
    const exit = await trainer.done;
    clearInterval(flusher);
    await q.insertMetrics(db, pending);
    const latest = await q.getRunById(db, runId);
    if (cancelled || latest?.cancelRequested) {
      await q.updateRun(db, runId, { status: "cancelled", finishedAt: new Date(), progress, logTail: exit.logTail });
      return;
    }
    if (exit.code !== 0 || !done) {
      await q.updateRun(db, runId, {
        status: "failed",
        finishedAt: new Date(),
        progress,
        error: `trainer exited with ${exit.code ?? exit.signal}${done ? "" : " before finishing"}`,
        logTail: exit.logTail,
      });
      return;
    }
    await registerModelVersion(run, project.id, snapshot.exportId, baseCheckpoint, outDir, done, progress, exit.logTail);
  } catch (e) {
    await q.updateRun(db, runId, { status: "failed", finishedAt: new Date(), error: (e as Error).message.slice(0, 2000) });
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
  done: TrainerEvent,
  progress: Record<string, number | string | null>,
  logTail: string,
) {
  const db = getDb();
  const finalDir = path.join(env().dataDir, "models", run.id);
  fs.mkdirSync(path.dirname(finalDir), { recursive: true });
  if (!fs.existsSync(finalDir)) fs.renameSync(String(done.checkpoint ?? outDir), finalDir);
  const metrics = Object.fromEntries(
    Object.entries((done.metrics ?? {}) as Record<string, unknown>).filter(([, v]) => typeof v === "number" && Number.isFinite(v)),
  ) as Record<string, number>;
  const config = fs.existsSync(path.join(finalDir, "config.json")) ? JSON.parse(fs.readFileSync(path.join(finalDir, "config.json"), "utf8")) : {};
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
        config: { ...config, stage: run.kind, hyperparameters: run.hyperparameters },
        checkpointPath: finalDir,
        exportId,
        runId: run.id,
        metrics,
      }));
    await q.updateRun(tx, run.id, { status: "succeeded", finishedAt: new Date(), progress: { ...progress, phase: "done" }, resultModelVersionId: version!.id, logTail });
    await recordAudit(tx, { actorId: null, action: "model.register", targetType: "model_version", targetId: version!.id, data: { runId: run.id, label: version!.label } });
    return version!;
  });
  await queueReleaseGate(projectId, registered.id);
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
