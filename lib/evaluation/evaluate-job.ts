// Held-out loss per category for a version that has none (trained before it was recorded): an admin queues an
// `evaluate` job, which runs the trainer's evaluate --eval-groups on the version's checkpoint and snapshot.
import "server-only";
import fs from "node:fs";
import path from "node:path";
import { z } from "zod";
import { getDb } from "@/db/client";
import { mergeVersionMetrics } from "@/db/queries/evaluation";
import { getExportById } from "@/db/queries/exports";
import { getModelVersionById } from "@/db/queries/runs";
import { assertRole, type AnyActor } from "@/lib/auth/roles";
import { env } from "@/lib/env";
import { AppError } from "@/lib/errors";
import { enqueue } from "@/lib/jobs/queue";
import { projectBySlugOr404 } from "@/lib/projects/projects";
import type { RequestCategoryEvaluationInput } from "@/lib/validation/evaluation";
import { categoryEvalMetrics } from "./category-eval";

const jobData = z.object({ versionId: z.uuid() });

/** The version, its snapshot folder and checkpoint, or the reason it cannot be evaluated (named by field). */
async function evaluable(projectId: string, versionId: string) {
  const db = getDb();
  const version = await getModelVersionById(db, versionId);
  if (!version || version.projectId !== projectId) throw new AppError("not_found:version", "No such model version in this project.", { versionId: ["Unknown version"] });
  if (version.kind !== "policy") throw new AppError("bad_request:version", "A reward model has no language-model loss.", { versionId: ["A reward model has no held-out LM loss"] });
  const snapshot = version.exportId ? await getExportById(db, version.exportId) : null;
  if (!snapshot || !fs.existsSync(path.join(snapshot.location, "manifest.json"))) throw new AppError("conflict:version", `${version.label} has no snapshot on disk to evaluate on.`, { versionId: ["No snapshot to evaluate on"] });
  if (!fs.existsSync(path.join(version.checkpointPath, "config.json"))) throw new AppError("conflict:version", `${version.label}'s checkpoint is not on disk.`, { versionId: ["No checkpoint on disk"] });
  return { version, snapshotDir: snapshot.location };
}

export async function requestCategoryEvaluation(actor: AnyActor, input: RequestCategoryEvaluationInput): Promise<{ queued: boolean; jobId: string | null }> {
  assertRole(actor, "admin");
  const project = await projectBySlugOr404(getDb(), input.projectSlug, "projectSlug");
  await evaluable(project.id, input.versionId);
  // One at a time per version: asking again while one waits is the same job.
  const jobId = await enqueue("evaluate", { versionId: input.versionId }, { singletonKey: `evaluate-${input.versionId}` });
  return { queued: true, jobId };
}

/** The `evaluate` job: figures merged into the version's metrics; a failure is the job's (pg-boss retries it). */
export async function runEvaluateJob(data: Record<string, unknown>): Promise<Record<string, number>> {
  const { versionId } = jobData.parse(data);
  const version = await getModelVersionById(getDb(), versionId);
  if (!version) return {};
  const { snapshotDir } = await evaluable(version.projectId, versionId);
  const workDir = path.join(env().dataDir, "evaluations", versionId);
  fs.mkdirSync(workDir, { recursive: true });
  const metrics = await categoryEvalMetrics({ projectId: version.projectId, snapshotDir, checkpoint: version.checkpointPath, workDir });
  await mergeVersionMetrics(getDb(), versionId, metrics);
  return metrics;
}
