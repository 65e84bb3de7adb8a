// Training runs and model versions as people see them: start, follow, cancel, promote.
import "server-only";
import fs from "node:fs";
import path from "node:path";
import { getDb, type DbOrTx } from "@/db/client";
import { projectBySlugOr404 } from "@/lib/projects/projects";
import * as q from "@/db/queries/runs";
import type { Project } from "@/db/schema";
import { getExportById } from "@/db/queries/exports";
import { recordAudit } from "@/lib/audit";
import { emitWebhookEvent } from "@/lib/webhooks/emit";
import { assertRole, type AnyActor } from "@/lib/auth/roles";
import { AppError } from "@/lib/errors";
import { enqueue } from "@/lib/jobs/queue";
import { assertLoraBase, assertRunFits, assertSnapshotHasData } from "./run-checks";
import { assertLauncherUsable, usesLauncher } from "@/lib/launchers/check";
import { releaseGate, type GateState } from "./gate";
import { countOutputsByModelVersion } from "@/db/queries/stats";
import { listLatestGenerations } from "@/db/queries/generation-progress";
import { getProjectById } from "@/db/queries/projects";
import { getBaseModelById } from "@/db/queries/base-models";
import { GenerationBusyError, queueGeneration } from "@/lib/jobs/generation-progress";
import type { CreateRunInput, PromoteVersionInput, RequestComparisonInput, RequestGenerationInput } from "@/lib/validation/runs";
import { z } from "zod";


/** Resolves `base` to what the trainer starts from: a preset, or a checkpoint folder with its version. */
export async function resolveBase(db: DbOrTx, project: Project, base: string): Promise<{ base: string; baseModelVersionId: string | null; checkpoint: string | null }> {
  if (base === "tiny" || base === "small") return { base, baseModelVersionId: null, checkpoint: null };
  if (base === "active") {
    const active = await q.getActiveModelVersion(db, project.id);
    if (active) return { base: `version:${active.label}`, baseModelVersionId: active.id, checkpoint: active.checkpointPath };
    // No active version yet: the first run starts from the project's imported base model, else the tiny preset.
    const picked = project.baseModelId ? await getBaseModelById(db, project.baseModelId) : null;
    return picked?.status === "ready" ? { base: `model:${picked.name}`, baseModelVersionId: null, checkpoint: picked.checkpointPath } : { base: "tiny", baseModelVersionId: null, checkpoint: null };
  }
  if (base.startsWith("model:")) {
    const model = await getBaseModelById(db, base.slice("model:".length));
    if (!model) throw new AppError("bad_request:base", "Unknown base model.", { base: ["Unknown base model"] });
    if (model.status !== "ready") throw new AppError("unprocessable:base", `${model.name} is ${model.status === "importing" ? "still importing" : "a failed import"}.`, { base: [`${model.name} is not ready`] });
    return { base: `model:${model.name}`, baseModelVersionId: null, checkpoint: model.checkpointPath };
  }
  if (base.startsWith("/")) {
    if (!fs.existsSync(path.join(base, "config.json"))) throw new AppError("bad_request:base", `No checkpoint at ${base} (config.json missing).`, { base: ["No checkpoint there"] });
    return { base, baseModelVersionId: null, checkpoint: base };
  }
  const version = await q.getModelVersionById(db, base);
  if (!version || version.projectId !== project.id) throw new AppError("bad_request:base", "Unknown model version for this project.", { base: ["Unknown model version"] });
  return { base: `version:${version.label}`, baseModelVersionId: version.id, checkpoint: version.checkpointPath };
}

export async function createRun(actor: AnyActor, input: CreateRunInput, opts: { trigger?: string } = {}) {
  assertRole(actor, "admin");
  const db = getDb();
  const project = await projectBySlugOr404(db, input.projectSlug, "projectSlug");
  const base = await resolveBase(db, project, input.base);
  // A reward model's backbone may start another reward model; a policy starts from a policy.
  if (base.baseModelVersionId && input.stage !== "rm" && (await q.getModelVersionById(db, base.baseModelVersionId))?.kind === "reward") {
    throw new AppError("unprocessable:run", `${base.base} is a reward model: a ${input.stage} run starts from a policy version.`, { base: ["A reward model is no base for a policy"] });
  }
  if (input.snapshotId) {
    const snap = await getExportById(db, input.snapshotId);
    if (!snap || snap.projectId !== project.id) throw new AppError("bad_request:snapshot", "Unknown snapshot for this project.", { snapshotId: ["Unknown snapshot"] });
    assertSnapshotHasData(snap, input.stage);
  }
  // Refused here, with the figures, rather than aborting mid-run (lib/runs/run-checks.ts).
  // A launcher's setting must still parse (a 422 naming the field); its engine plans its own memory and LoRA.
  assertLauncherUsable(project.settings);
  if (!usesLauncher(project.settings)) {
    assertLoraBase(base, input.hyperparameters);
    assertRunFits(base, input.stage, input.hyperparameters);
  }
  const run = await db.transaction(async (tx) => {
    if ((await q.countActiveRunsForProject(tx, project.id)) > 0) {
      throw new AppError("conflict:run", "A run is already queued or running for this project; wait for it or cancel it.");
    }
    const created = await q.insertRun(tx, {
      projectId: project.id,
      kind: input.stage,
      hyperparameters: input.hyperparameters,
      base: base.base,
      baseModelVersionId: base.baseModelVersionId,
      exportId: input.snapshotId ?? null,
      status: "queued",
      trigger: opts.trigger ?? "manual",
      createdBy: actor.id,
    });
    await recordAudit(tx, { actorId: actor.id, action: "run.create", targetType: "training_run", targetId: created.id, data: { stage: input.stage, base: base.base, trigger: opts.trigger ?? "manual" } });
    return created;
  });
  await enqueueRun(run.id);
  return { id: run.id, status: run.status };
}

/** Sends the run's train job; the runner's reconciler re-sends runs whose send never happened. */
export async function enqueueRun(runId: string) {
  const jobId = await enqueue("train", { runId });
  if (jobId) await q.updateRun(getDb(), runId, { jobId });
  return jobId;
}

function runView(r: Awaited<ReturnType<typeof q.getRunById>> & object) {
  return {
    id: r.id,
    stage: r.kind,
    status: r.status,
    base: r.base,
    exportId: r.exportId,
    hyperparameters: r.hyperparameters,
    progress: r.progress,
    error: r.error,
    logTail: r.logTail,
    cancelRequested: r.cancelRequested,
    resultModelVersionId: r.resultModelVersionId,
    trigger: r.trigger,
    createdAt: r.createdAt.toISOString(),
    startedAt: r.startedAt?.toISOString() ?? null,
    finishedAt: r.finishedAt?.toISOString() ?? null,
  };
}
export type RunView = ReturnType<typeof runView>;

export async function getRun(actor: AnyActor, id: string, opts: { metricsAfter?: number } = {}) {
  assertRole(actor, "reviewer");
  if (!z.uuid().safeParse(id).success) throw new AppError("not_found:run", "No such run.");
  const db = getDb();
  const run = await q.getRunById(db, id);
  if (!run) throw new AppError("not_found:run", "No such run.");
  const metrics = await q.listMetrics(db, id, { afterId: opts.metricsAfter });
  return { run: runView(run), metrics: metrics.map((m) => ({ id: m.id, step: m.step, split: m.split, name: m.name, value: m.value })) };
}

export async function listRuns(actor: AnyActor, projectSlug: string) {
  assertRole(actor, "reviewer");
  const db = getDb();
  const project = await projectBySlugOr404(db, projectSlug, "projectSlug");
  return (await q.listRunsByProject(db, project.id)).map(runView);
}

export async function cancelRun(actor: AnyActor, id: string) {
  assertRole(actor, "admin");
  if (!z.uuid().safeParse(id).success) throw new AppError("not_found:run", "No such run.");
  return getDb().transaction(async (tx) => {
    const run = await q.getRunById(tx, id, { lock: true });
    if (!run) throw new AppError("not_found:run", "No such run.");
    if (run.status !== "queued" && run.status !== "running") throw new AppError("conflict:run", `The run already ${run.status}.`);
    // A queued run is cancelled now; a running one when the trainer stops at its next step.
    const patch = run.status === "queued" ? { status: "cancelled" as const, cancelRequested: true, finishedAt: new Date() } : { cancelRequested: true };
    const updated = await q.updateRun(tx, id, patch);
    await recordAudit(tx, { actorId: actor.id, action: "run.cancel", targetType: "training_run", targetId: id });
    return runView(updated);
  });
}

export async function listModelVersions(actor: AnyActor, projectSlug: string) {
  assertRole(actor, "reviewer");
  const db = getDb();
  const project = await projectBySlugOr404(db, projectSlug, "projectSlug");
  const rows = await q.listModelVersions(db, project.id);
  const [gates, outputs, progress] = await Promise.all([
    Promise.all(rows.map((v) => releaseGate(db, v.id))),
    countOutputsByModelVersion(db, project.id),
    listLatestGenerations(db, project.id),
  ]);
  const written = new Map(outputs.map((o) => [o.label, o.n]));
  const activeId = rows.find((v) => v.isActive)?.id ?? null;
  const firstId = rows.reduce<(typeof rows)[number] | null>((a, v) => (!a || v.createdAt < a.createdAt ? v : a), null)?.id;
  const latest = (versionId: string, kind: "outputs" | "compare") => {
    const g = progress.find((p) => p.modelVersionId === versionId && p.kind === kind);
    return g ? { status: g.status, wanted: g.wanted, written: g.written, error: g.error, note: g.note, trigger: g.trigger, updatedAt: g.updatedAt.toISOString() } : null;
  };
  return rows.map((v, i) => ({
    id: v.id,
    gate: gates[i],
    /** without a gate: whether there is a version to compare it with (the first version, or none active, has none) */
    // The assertion keeps the literals below from widening to string (the rule reads it as a no-op).
    // eslint-disable-next-line @typescript-eslint/no-unnecessary-type-assertion
    gateState: (gates[i]?.status ?? (v.id === firstId ? "first" : activeId && activeId !== v.id ? "not_compared" : "nothing_to_compare")) as GateState,
    /** the latest outputs generation this version ran, and its release gate's comparison generation */
    generation: latest(v.id, "outputs"),
    comparison: latest(v.id, "compare"),
    /** outputs this version wrote for people to rank */
    outputs: written.get(v.label) ?? 0,
    label: v.label,
    parentId: v.parentId,
    base: v.base,
    exportId: v.exportId,
    runId: v.runId,
    metrics: v.metrics,
    isActive: v.isActive,
    /** policy, or reward (a reward model: scores outputs, never promoted) */
    kind: v.kind,
    config: v.config,
    createdAt: v.createdAt.toISOString(),
  }));
}

/** A generation already live for the version is a 409 naming it; anything else passes through. */
const busyAsConflict = (code: "conflict:compare" | "conflict:generate") => (e: unknown): never => {
  throw e instanceof GenerationBusyError ? new AppError(code, e.message) : e;
};

/** Prompts the new active version writes outputs for when a promotion queues generation (as the Models page's button). */
const GENERATE_ON_PROMOTE_LIMIT = 100;

/**
 * Promotes a version; the audit row says whether the release gate recommended it, an admin overrode it, or there was
 * nothing to compare it with. Unless the project turned `generateOnPromote` off, the new active version is then asked
 * for outputs to rank.
 */
export async function promoteModelVersion(actor: AnyActor, input: PromoteVersionInput) {
  assertRole(actor, "admin");
  const promoted = await getDb().transaction(async (tx) => {
    // A page names its project: a version of another project is not promoted from it.
    const project = input.projectSlug ? await projectBySlugOr404(tx, input.projectSlug, "projectSlug") : null;
    const v = await q.getModelVersionById(tx, input.versionId);
    if (!v || (project && v.projectId !== project.id)) throw new AppError("not_found:version", "No such model version in this project.", { versionId: ["Unknown version for this project"] });
    if (v.kind === "reward") throw new AppError("conflict:version", `${v.label} is a reward model: it scores outputs and is never the policy (the newest reward model is the active one).`, { versionId: [`${v.label} is a reward model`] });
    const gate = await releaseGate(tx, v.id);
    const before = await q.getActiveModelVersion(tx, v.projectId);
    // Nothing to compare with: no version was active (the first promotion), so no gate could have run.
    const nothingToCompare = !gate && !before;
    await q.setActiveModelVersion(tx, v.projectId, v.id);
    await recordAudit(tx, {
      actorId: actor.id,
      action: "model.promote",
      targetType: "model_version",
      targetId: v.id,
      data: {
        label: v.label,
        recommended: gate?.recommended ?? false,
        override: !gate?.recommended && !nothingToCompare,
        nothingToCompare,
        gate: gate && { against: gate.against, judgments: gate.judgments, winRate: gate.winRate, ci: gate.ci },
        reason: input.reason ?? null,
      },
    });
    if (before?.id !== v.id) {
      await emitWebhookEvent(tx, {
        projectId: v.projectId,
        event: "version.promoted",
        data: { versionId: v.id, label: v.label, previous: before ? { versionId: before.id, label: before.label } : null, recommended: gate?.recommended ?? false, reason: input.reason ?? null },
      });
    }
    return { id: v.id, label: v.label, projectId: v.projectId, changed: before?.id !== v.id };
  });
  const project = await getProjectById(getDb(), promoted.projectId);
  let generationQueued = false;
  if (project && project.settings.generateOnPromote !== false && promoted.changed) {
    // After the commit: the job must see the new active version. A failed send is on the generation row.
    generationQueued = await queueGeneration({ projectId: project.id, projectSlug: project.slug, versionId: promoted.id, kind: "outputs", trigger: "promote", limit: GENERATE_ON_PROMOTE_LIMIT })
      .then(() => true)
      .catch(() => false);
  }
  return { id: promoted.id, label: promoted.label, isActive: true, generationQueued };
}

/**
 * Queues the release gate's `compare` generation for a version: it and the active version answer
 * held-out prompts, which enter the ranking queue as blind pairwise tasks.
 */
export async function requestComparison(actor: AnyActor, input: RequestComparisonInput) {
  assertRole(actor, "admin");
  const db = getDb();
  const project = await projectBySlugOr404(db, input.projectSlug, "projectSlug");
  const v = await q.getModelVersionById(db, input.versionId);
  if (!v || v.projectId !== project.id) throw new AppError("not_found:version", `No model version ${input.versionId} in "${project.slug}".`, { versionId: ["Unknown version for this project"] });
  if (v.kind === "reward") throw new AppError("conflict:compare", `${v.label} is a reward model: it writes no outputs to compare.`, { versionId: [`${v.label} is a reward model`] });
  const active = await q.getActiveModelVersion(db, project.id);
  if (!active) throw new AppError("conflict:compare", "No active model version to compare with: promote one first.");
  if (active.id === v.id) throw new AppError("conflict:compare", `${v.label} is the active version: there is nothing to compare it with.`);
  if (await releaseGate(db, v.id)) throw new AppError("conflict:compare", `${v.label} already has comparison tasks in the queue.`);
  const { jobId } = await queueGeneration({ projectId: project.id, projectSlug: project.slug, versionId: v.id, kind: "compare", trigger: "manual", limit: input.limit }).catch(busyAsConflict("conflict:compare"));
  await recordAudit(db, { actorId: actor.id, action: "model.compare_request", targetType: "model_version", targetId: v.id, data: { against: active.label, limit: input.limit } });
  return { jobId };
}

/** Queues a `generate` job: the active version writes outputs for prompts that need them. */
export async function requestGeneration(actor: AnyActor, input: RequestGenerationInput) {
  assertRole(actor, "admin");
  const db = getDb();
  const project = await projectBySlugOr404(db, input.projectSlug, "projectSlug");
  const active = await q.getActiveModelVersion(db, project.id);
  if (!active) throw new AppError("conflict:generate", "No active model version: promote one first.");
  const { jobId } = await queueGeneration({ projectId: project.id, projectSlug: project.slug, versionId: active.id, kind: "outputs", trigger: "manual", limit: input.limit }).catch(busyAsConflict("conflict:generate"));
  await recordAudit(db, { actorId: actor.id, action: "model.generate_request", targetType: "project", targetId: project.id, data: { limit: input.limit } });
  return { jobId };
}
