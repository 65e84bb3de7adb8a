// Data access for projects.
import "server-only";
import { asc, eq } from "drizzle-orm";
import type { DbOrTx } from "../client";
import { projects, type NewProject, type Project } from "../schema";

export async function getProjectBySlug(db: DbOrTx, slug: string) {
  const [row] = await db.select().from(projects).where(eq(projects.slug, slug));
  return row ?? null;
}

export async function getProjectById(db: DbOrTx, id: string) {
  const [row] = await db.select().from(projects).where(eq(projects.id, id));
  return row ?? null;
}

export async function listProjects(db: DbOrTx) {
  return db.select().from(projects).orderBy(asc(projects.name), asc(projects.slug));
}

export async function insertProject(db: DbOrTx, row: NewProject) {
  const [created] = await db.insert(projects).values(row).returning();
  return created;
}

export async function updateProject(db: DbOrTx, id: string, patch: Partial<Pick<Project, "name" | "guidelines" | "categories" | "settings">>) {
  const [row] = await db
    .update(projects)
    .set({ ...patch, updatedAt: new Date() })
    .where(eq(projects.id, id))
    .returning();
  return row ?? null;
}
