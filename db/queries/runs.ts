// Data access for training runs, their metrics, and model versions.
import "server-only";
import { and, asc, desc, eq, gt, inArray, lt, sql } from "drizzle-orm";
import type { DbOrTx } from "../client";
import { modelVersions, trainingMetrics, trainingRuns, type NewModelVersion, type NewTrainingMetric, type NewTrainingRun, type TrainingRun } from "../schema";

export async function insertRun(db: DbOrTx, row: NewTrainingRun) {
  const [created] = await db.insert(trainingRuns).values(row).returning();
  return created;
}

export async function getRunById(db: DbOrTx, id: string, opts: { lock?: boolean } = {}) {
  const q = db.select().from(trainingRuns).where(eq(trainingRuns.id, id));
  const [row] = opts.lock ? await q.for("update") : await q;
  return row ?? null;
}

export async function updateRun(db: DbOrTx, id: string, patch: Partial<Omit<TrainingRun, "id">>) {
  const [row] = await db.update(trainingRuns).set(patch).where(eq(trainingRuns.id, id)).returning();
  return row ?? null;
}

export async function listRunsByProject(db: DbOrTx, projectId: string, limit = 100) {
  return db.select().from(trainingRuns).where(eq(trainingRuns.projectId, projectId)).orderBy(desc(trainingRuns.createdAt)).limit(limit);
}

/** Runs not yet in the queue (the process died between commit and send) or orphaned by a crashed runner. */
export async function listRunsNeedingAttention(db: DbOrTx, opts: { staleBefore: Date }) {
  return db
    .select()
    .from(trainingRuns)
    .where(
      sql`(${trainingRuns.status} = 'queued' and ${trainingRuns.jobId} is null)
          or (${trainingRuns.status} = 'running' and (${trainingRuns.heartbeatAt} is null or ${trainingRuns.heartbeatAt} < ${opts.staleBefore}))`,
    )
    .orderBy(asc(trainingRuns.createdAt));
}

export async function countActiveRunsForProject(db: DbOrTx, projectId: string) {
  const rows = await db
    .select({ id: trainingRuns.id })
    .from(trainingRuns)
    .where(and(eq(trainingRuns.projectId, projectId), inArray(trainingRuns.status, ["queued", "running"])));
  return rows.length;
}

export async function countRunsByStatus(db: DbOrTx, projectId: string) {
  const res = await db.execute(sql`select status, count(*)::int as n from training_runs where project_id = ${projectId} group by status`);
  return Object.fromEntries((res.rows as Array<{ status: string; n: number }>).map((r) => [r.status, Number(r.n)]));
}

export async function latestRunForProject(db: DbOrTx, projectId: string) {
  const [row] = await db.select().from(trainingRuns).where(eq(trainingRuns.projectId, projectId)).orderBy(desc(trainingRuns.createdAt)).limit(1);
  return row ?? null;
}

export async function insertMetrics(db: DbOrTx, rows: NewTrainingMetric[]) {
  if (!rows.length) return;
  await db.insert(trainingMetrics).values(rows).onConflictDoNothing();
}

export async function listMetrics(db: DbOrTx, runId: string, opts: { afterId?: number } = {}) {
  const conds = [eq(trainingMetrics.runId, runId)];
  if (opts.afterId) conds.push(gt(trainingMetrics.id, opts.afterId));
  return db.select().from(trainingMetrics).where(and(...conds)).orderBy(asc(trainingMetrics.id));
}

export async function insertModelVersion(db: DbOrTx, row: NewModelVersion) {
  const [created] = await db.insert(modelVersions).values(row).onConflictDoNothing().returning();
  return created ?? null;
}

export async function getModelVersionById(db: DbOrTx, id: string) {
  const [row] = await db.select().from(modelVersions).where(eq(modelVersions.id, id));
  return row ?? null;
}

export async function getModelVersionByRun(db: DbOrTx, runId: string) {
  const [row] = await db.select().from(modelVersions).where(eq(modelVersions.runId, runId));
  return row ?? null;
}

export async function getActiveModelVersion(db: DbOrTx, projectId: string) {
  const [row] = await db.select().from(modelVersions).where(and(eq(modelVersions.projectId, projectId), eq(modelVersions.isActive, true)));
  return row ?? null;
}

export async function listModelVersions(db: DbOrTx, projectId: string) {
  return db.select().from(modelVersions).where(eq(modelVersions.projectId, projectId)).orderBy(asc(modelVersions.createdAt));
}

export async function countModelVersions(db: DbOrTx, projectId: string) {
  const res = await db.execute(sql`select count(*)::int as n from model_versions where project_id = ${projectId}`);
  return Number((res.rows as Array<{ n: number }>)[0].n);
}

/** Demote the current active version, then promote the given one (the partial unique index allows one). */
export async function setActiveModelVersion(db: DbOrTx, projectId: string, id: string) {
  await db.update(modelVersions).set({ isActive: false }).where(and(eq(modelVersions.projectId, projectId), eq(modelVersions.isActive, true)));
  await db.update(modelVersions).set({ isActive: true }).where(eq(modelVersions.id, id));
}

export { lt };
