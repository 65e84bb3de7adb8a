// Data access for prompts and completions.
import "server-only";
import { and, asc, desc, eq, inArray, sql } from "drizzle-orm";
import type { DbOrTx } from "../client";
import { completions, prompts, type NewCompletion, type NewPrompt, type Prompt } from "../schema";

export async function getPromptById(db: DbOrTx, id: string, opts: { lock?: boolean } = {}) {
  const q = db.select().from(prompts).where(eq(prompts.id, id));
  const [row] = opts.lock ? await q.for("update") : await q;
  return row ?? null;
}

export async function insertPrompt(db: DbOrTx, row: NewPrompt) {
  const [created] = await db.insert(prompts).values(row).returning();
  return created;
}

export async function updatePrompt(db: DbOrTx, id: string, patch: Partial<Omit<Prompt, "id" | "projectId">>) {
  const [row] = await db
    .update(prompts)
    .set({ ...patch, updatedAt: new Date() })
    .where(eq(prompts.id, id))
    .returning();
  return row ?? null;
}

export async function listPromptsByAuthor(db: DbOrTx, opts: { projectId: string; authorId: string; limit?: number }) {
  return db
    .select()
    .from(prompts)
    .where(and(eq(prompts.projectId, opts.projectId), eq(prompts.authorId, opts.authorId)))
    .orderBy(desc(prompts.updatedAt))
    .limit(opts.limit ?? 50);
}

/**
 * A project's prompts whose instruction is trigram-similar to `text` (pg_trgm's similarity, 0–1), closest first.
 * `%` finds candidates through the GIN index at pg_trgm's threshold (0.3 unless the server sets another); `minSimilarity`
 * then narrows them. Drafts are private: only the viewer's own come back. Rejected prompts and release-gate copies never do.
 */
export async function listSimilarPrompts(db: DbOrTx, opts: { projectId: string; viewerId: string; text: string; minSimilarity: number; limit: number; hold?: boolean }) {
  const res = await db.execute(sql`
    select id, instruction, similarity(instruction, ${opts.text}) as similarity
    from prompts
    where project_id = ${opts.projectId}
      and instruction % ${opts.text}
      and similarity(instruction, ${opts.text}) >= ${opts.minSimilarity}
      and status <> 'rejected'
      and (status <> 'draft' or author_id = ${opts.viewerId})
      and compare_of is null
      ${opts.hold ? sql`and id not in (select s.target_id from screenings s where s.project_id = ${opts.projectId} and s.review = 'open' and s.target_type = 'prompt')` : sql``}
    order by similarity desc, id
    limit ${opts.limit}`);
  return (res.rows as Array<{ id: string; instruction: string; similarity: number | string }>).map((r) => ({ ...r, similarity: Number(r.similarity) }));
}

export async function insertCompletion(db: DbOrTx, row: NewCompletion) {
  const [created] = await db.insert(completions).values(row).returning();
  return created;
}

export async function getCompletionById(db: DbOrTx, id: string) {
  const [row] = await db.select().from(completions).where(eq(completions.id, id));
  return row ?? null;
}

export async function updateCompletion(db: DbOrTx, id: string, patch: Partial<{ text: string; status: "draft" | "submitted" | "approved" | "rejected" }>) {
  const [row] = await db.update(completions).set(patch).where(eq(completions.id, id)).returning();
  return row ?? null;
}

export async function listCompletionsByPrompt(db: DbOrTx, promptId: string) {
  return db.select().from(completions).where(eq(completions.promptId, promptId)).orderBy(asc(completions.createdAt), asc(completions.id));
}

export async function listCompletionsByIds(db: DbOrTx, ids: string[]) {
  if (!ids.length) return [];
  return db.select().from(completions).where(inArray(completions.id, ids));
}

/** The author's demonstration for a prompt they wrote (at most one). */
export async function getDemonstrationForPrompt(db: DbOrTx, promptId: string, authorId: string) {
  const [row] = await db
    .select()
    .from(completions)
    .where(and(eq(completions.promptId, promptId), eq(completions.authorId, authorId), eq(completions.isDemonstration, true), sql`${completions.parentId} is null`));
  return row ?? null;
}

/** A release-gate copy of a held-out prompt; null when this version already has one for that prompt. */
export async function insertComparePrompt(db: DbOrTx, row: NewPrompt) {
  const [created] = await db.insert(prompts).values(row).onConflictDoNothing().returning();
  return created ?? null;
}
