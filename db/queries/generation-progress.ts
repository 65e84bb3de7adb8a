// Data access for generation progress rows: a version writing outputs, or a release gate's comparison.
import "server-only";
import { and, desc, eq, gt, inArray, sql } from "drizzle-orm";
import type { DbOrTx } from "../client";
import { generations, type Generation, type NewGeneration } from "../schema";

export async function insertGeneration(db: DbOrTx, row: NewGeneration): Promise<Generation> {
  const [created] = await db.insert(generations).values(row).returning();
  return created;
}

export async function getGenerationById(db: DbOrTx, id: string): Promise<Generation | null> {
  const [row] = await db.select().from(generations).where(eq(generations.id, id));
  return row ?? null;
}

export async function updateGeneration(db: DbOrTx, id: string, patch: Partial<Pick<Generation, "status" | "wanted" | "written" | "error" | "note" | "finishedAt">>) {
  const [row] = await db.update(generations).set({ ...patch, updatedAt: sql`now()` }).where(eq(generations.id, id)).returning();
  return row ?? null;
}

/** The newest generation of each kind for each of a project's versions. */
export async function listLatestGenerations(db: DbOrTx, projectId: string): Promise<Generation[]> {
  return db
    .selectDistinctOn([generations.modelVersionId, generations.kind])
    .from(generations)
    .where(eq(generations.projectId, projectId))
    .orderBy(generations.modelVersionId, generations.kind, desc(generations.createdAt));
}

/** A generation of this kind for this version that is queued or running and has moved since `since` (older ones count as lost). */
export async function getBusyGeneration(db: DbOrTx, opts: { versionId: string; kind: Generation["kind"]; since: Date }): Promise<Generation | null> {
  const [row] = await db
    .select()
    .from(generations)
    .where(and(eq(generations.modelVersionId, opts.versionId), eq(generations.kind, opts.kind), inArray(generations.status, ["queued", "running"]), gt(generations.updatedAt, opts.since)))
    .limit(1);
  return row ?? null;
}
