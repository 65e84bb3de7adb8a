// Data access for imported base models and a project's pick among them.
import "server-only";
import { and, desc, eq, ne } from "drizzle-orm";
import type { DbOrTx } from "../client";
import { baseModels, projects, type BaseModel, type NewBaseModel } from "../schema";

export async function insertBaseModel(db: DbOrTx, row: NewBaseModel) {
  const [created] = await db.insert(baseModels).values(row).returning();
  return created;
}

export async function getBaseModelById(db: DbOrTx, id: string) {
  const [row] = await db.select().from(baseModels).where(eq(baseModels.id, id));
  return row ?? null;
}

export async function updateBaseModel(db: DbOrTx, id: string, patch: Partial<Omit<BaseModel, "id">>) {
  const [row] = await db.update(baseModels).set(patch).where(eq(baseModels.id, id)).returning();
  return row ?? null;
}

export async function listBaseModels(db: DbOrTx, limit = 200) {
  return db.select().from(baseModels).orderBy(desc(baseModels.createdAt)).limit(limit);
}

/** The import of this folder now running, if any. */
export async function getImportingBaseModelBySource(db: DbOrTx, sourcePath: string) {
  const [row] = await db
    .select()
    .from(baseModels)
    .where(and(eq(baseModels.sourcePath, sourcePath), eq(baseModels.status, "importing")));
  return row ?? null;
}

/** A model that holds the name (failed imports free theirs). */
export async function getLiveBaseModelByName(db: DbOrTx, name: string) {
  const [row] = await db
    .select()
    .from(baseModels)
    .where(and(eq(baseModels.name, name), ne(baseModels.status, "failed")));
  return row ?? null;
}

export async function listImportingBaseModels(db: DbOrTx) {
  return db.select().from(baseModels).where(eq(baseModels.status, "importing"));
}

export async function setProjectBaseModel(db: DbOrTx, projectId: string, baseModelId: string | null) {
  await db.update(projects).set({ baseModelId, updatedAt: new Date() }).where(eq(projects.id, projectId));
}

export async function getReadyBaseModelByName(db: DbOrTx, name: string) {
  const [row] = await db
    .select()
    .from(baseModels)
    .where(and(eq(baseModels.name, name), eq(baseModels.status, "ready")));
  return row ?? null;
}
