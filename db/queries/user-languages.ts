// The languages a person ranks in (users.languages; empty = all), read by next-task's candidate query itself.
import "server-only";
import { eq } from "drizzle-orm";
import type { DbOrTx } from "../client";
import { users } from "../schema";

export async function getUserLanguages(db: DbOrTx, userId: string): Promise<string[] | null> {
  const [row] = await db.select({ languages: users.languages }).from(users).where(eq(users.id, userId));
  return row ? row.languages : null;
}

export async function updateUserLanguages(db: DbOrTx, userId: string, languages: string[]): Promise<string[] | null> {
  const [row] = await db.update(users).set({ languages, updatedAt: new Date() }).where(eq(users.id, userId)).returning({ languages: users.languages });
  return row ? row.languages : null;
}
