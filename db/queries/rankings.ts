// Data access for rankings, reviews and excluded annotators.
import "server-only";
import { and, desc, eq, gte, isNotNull, sql } from "drizzle-orm";
import type { DbOrTx } from "../client";
import { excludedAnnotators, rankings, reviews, type Answers, type NewRanking, type NewReview } from "../schema";

export async function insertRanking(db: DbOrTx, row: NewRanking) {
  const [created] = await db.insert(rankings).values(row).returning();
  return created;
}

export async function getRankingById(db: DbOrTx, id: string, opts: { lock?: boolean } = {}) {
  const q = db.select().from(rankings).where(eq(rankings.id, id));
  const [row] = opts.lock ? await q.for("update") : await q;
  return row ?? null;
}

export async function getRankingByIdempotencyKey(db: DbOrTx, annotatorId: string, key: string) {
  const [row] = await db
    .select()
    .from(rankings)
    .where(and(eq(rankings.annotatorId, annotatorId), eq(rankings.idempotencyKey, key)));
  return row ?? null;
}

export async function getCurrentRanking(db: DbOrTx, promptId: string, annotatorId: string, opts: { lock?: boolean } = {}) {
  const q = db
    .select()
    .from(rankings)
    .where(and(eq(rankings.promptId, promptId), eq(rankings.annotatorId, annotatorId), eq(rankings.isCurrent, true)));
  const [row] = opts.lock ? await q.for("update") : await q;
  return row ?? null;
}

export async function markRankingSuperseded(db: DbOrTx, id: string) {
  await db.update(rankings).set({ isCurrent: false }).where(eq(rankings.id, id));
}

/** Current human rankings of a prompt that count toward consensus (not excluded, annotator not excluded). */
export async function listConsensusRankings(db: DbOrTx, promptId: string) {
  const res = await db.execute(sql`
    select r.id, r.annotator_id as "annotatorId", r."order", r.none_acceptable as "noneAcceptable", r.answers
    from rankings r
    join prompts p on p.id = r.prompt_id
    where r.prompt_id = ${promptId} and r.source = 'human' and r.is_current and not r.excluded
      and not exists (select 1 from excluded_annotators x where x.project_id = p.project_id and x.user_id = r.annotator_id)
    order by r.created_at, r.id`);
  return res.rows as Array<{ id: string; annotatorId: string; order: string[][]; noneAcceptable: boolean; answers: Answers }>;
}

export async function listRankingsByAnnotator(db: DbOrTx, opts: { annotatorId: string; since?: Date }) {
  const conds = [eq(rankings.annotatorId, opts.annotatorId), eq(rankings.isCurrent, true)];
  if (opts.since) conds.push(gte(rankings.createdAt, opts.since));
  return db.select().from(rankings).where(and(...conds)).orderBy(desc(rankings.createdAt));
}

export async function insertReview(db: DbOrTx, row: NewReview) {
  const [created] = await db.insert(reviews).values(row).returning();
  return created;
}

export async function insertExcludedAnnotator(db: DbOrTx, row: { projectId: string; userId: string; excludedBy: string }) {
  await db.insert(excludedAnnotators).values(row).onConflictDoNothing();
}

export async function deleteExcludedAnnotator(db: DbOrTx, opts: { projectId: string; userId: string }) {
  await db.delete(excludedAnnotators).where(and(eq(excludedAnnotators.projectId, opts.projectId), eq(excludedAnnotators.userId, opts.userId)));
}

/** Prompts (ids) an annotator has current rankings on, for consensus recomputation after exclusion. */
export async function listPromptIdsRankedBy(db: DbOrTx, opts: { projectId: string; annotatorId: string }) {
  const res = await db.execute(sql`
    select distinct r.prompt_id as id from rankings r join prompts p on p.id = r.prompt_id
    where p.project_id = ${opts.projectId} and r.annotator_id = ${opts.annotatorId} and r.is_current`);
  return (res.rows as Array<{ id: string }>).map((r) => r.id);
}

export { isNotNull };
