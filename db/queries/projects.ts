// Data access for projects.
import { eq } from "drizzle-orm";
import type { DbOrTx } from "../client";
import { projects } from "../schema";

export async function getProjectBySlug(db: DbOrTx, slug: string) {
  const [row] = await db.select().from(projects).where(eq(projects.slug, slug));
  return row ?? null;
}

export async function getProjectById(db: DbOrTx, id: string) {
  const [row] = await db.select().from(projects).where(eq(projects.id, id));
  return row ?? null;
}
