// Data access for model sources, collect runs, and the prompts a collect run still has to ask about.
import "server-only";
import { and, desc, eq, inArray, isNull, sql } from "drizzle-orm";
import type { DbOrTx } from "../client";
import { conversationColumn, parseConversation } from "./conversations";
import { collectRuns, completions, modelSources, type CollectRun, type NewCollectRun, type NewModelSource } from "../schema";

export async function insertSource(db: DbOrTx, row: NewModelSource) {
  const [created] = await db.insert(modelSources).values(row).returning();
  return created;
}

/** A source in use (not removed) by its name in a project, or null. */
export async function getSourceByName(db: DbOrTx, projectId: string, name: string) {
  const [row] = await db.select().from(modelSources).where(and(eq(modelSources.projectId, projectId), eq(modelSources.name, name), isNull(modelSources.removedAt)));
  return row ?? null;
}

export async function listSourcesByProject(db: DbOrTx, projectId: string) {
  return db.select().from(modelSources).where(and(eq(modelSources.projectId, projectId), isNull(modelSources.removedAt))).orderBy(modelSources.name);
}

export async function listSourcesByIds(db: DbOrTx, ids: string[]) {
  if (!ids.length) return [];
  return db.select().from(modelSources).where(inArray(modelSources.id, ids));
}

export async function markSourceRemoved(db: DbOrTx, id: string) {
  const [row] = await db.update(modelSources).set({ removedAt: new Date() }).where(and(eq(modelSources.id, id), isNull(modelSources.removedAt))).returning();
  return row ?? null;
}

export async function insertCollectRun(db: DbOrTx, row: NewCollectRun) {
  const [created] = await db.insert(collectRuns).values(row).returning();
  return created;
}

export async function getCollectRunById(db: DbOrTx, id: string) {
  const [row] = await db.select().from(collectRuns).where(eq(collectRuns.id, id));
  return row ?? null;
}

export async function updateCollectRun(db: DbOrTx, id: string, patch: Partial<Omit<CollectRun, "id">>) {
  const [row] = await db.update(collectRuns).set(patch).where(eq(collectRuns.id, id)).returning();
  return row ?? null;
}

/** Adds one prompt's figures to a run's progress in the same statement, so concurrent prompts never overwrite each other. */
export async function bumpCollectProgress(db: DbOrTx, id: string, by: { done: number; outputs: number }) {
  await db.execute(sql`
    update collect_runs set progress = jsonb_build_object(
      'prompts', (progress->>'prompts')::int,
      'done', (progress->>'done')::int + ${by.done}::int,
      'outputs', (progress->>'outputs')::int + ${by.outputs}::int)
    where id = ${id}`);
}

export async function listCollectRunsByProject(db: DbOrTx, projectId: string, limit = 20) {
  return db.select().from(collectRuns).where(eq(collectRuns.projectId, projectId)).orderBy(desc(collectRuns.createdAt)).limit(limit);
}

const uuidArray = (ids: string[]) => `{${ids.filter((id) => /^[0-9a-f-]{36}$/i.test(id)).join(",")}}`;

/**
 * Approved, non-gold, unsettled prompts with fewer than k rankable outputs that at least one
 * of `sourceIds` has not answered yet, oldest first; with the count they have and which of
 * the sources already answered them.
 */
export async function listPromptsNeedingSourceOutputs(db: DbOrTx, opts: { projectId: string; k: number; sourceIds: string[]; limit: number }) {
  const ids = uuidArray(opts.sourceIds);
  const res = await db.execute(sql`
    select p.id, p.instruction, p.input, p.system, ${conversationColumn("p")} as conversation, counted.have,
      coalesce((select array_agg(distinct c.model_source_id::text) from completions c
        where c.prompt_id = p.id and c.model_source_id = any(${ids}::uuid[])), '{}') as answered
    from prompts p
    cross join lateral (
      select count(*)::int as have from completions c
      where c.prompt_id = p.id and c.status <> 'rejected' and (not c.is_demonstration or c.status = 'approved')) counted
    where p.project_id = ${opts.projectId} and p.status = 'approved' and not p.is_gold and not p.settled and p.compare_version_id is null
      and counted.have < ${opts.k}
      and exists (select 1 from unnest(${ids}::uuid[]) s(id)
        where not exists (select 1 from completions c where c.prompt_id = p.id and c.model_source_id = s.id))
    order by p.created_at, p.id limit ${opts.limit}`);
  return (res.rows as Array<{ id: string; instruction: string; input: string | null; system: string | null; conversation: unknown; have: number; answered: string[] | string }>).map((r) => ({
    ...r,
    conversation: parseConversation(r.conversation),
    have: Number(r.have),
    // node-postgres parses text[]; PGlite may hand back its literal
    answered: Array.isArray(r.answered) ? r.answered : r.answered.replace(/^\{|\}$/g, "").split(",").filter(Boolean),
  }));
}

/** Outputs each of the project's sources wrote (removed ones included), by the source's name. */
export async function countOutputsBySource(db: DbOrTx, projectId: string) {
  return db
    .select({ name: modelSources.name, n: sql<number>`count(*)::int` })
    .from(completions)
    .innerJoin(modelSources, eq(modelSources.id, completions.modelSourceId))
    .where(eq(modelSources.projectId, projectId))
    .groupBy(modelSources.name);
}
