// Data access for fresh model outputs: prompts short of K outputs, and inserting what a version wrote.
import "server-only";
import { sql } from "drizzle-orm";
import type { DbOrTx } from "../client";
import { conversationColumn, parseConversation } from "./conversations";
import { completions, type NewCompletion } from "../schema";

/** Approved, non-gold prompts with fewer than k rankable outputs, oldest first. */
export async function listPromptsNeedingOutputs(db: DbOrTx, opts: { projectId: string; k: number; limit: number }) {
  const res = await db.execute(sql`
    select p.id, p.instruction, p.input, p.system, ${conversationColumn("p")} as conversation,
      (select count(*)::int from completions c where c.prompt_id = p.id and c.status <> 'rejected' and (not c.is_demonstration or c.status = 'approved')) as have
    from prompts p
    where p.project_id = ${opts.projectId} and p.status = 'approved' and not p.is_gold and not p.settled
      and (select count(*) from completions c where c.prompt_id = p.id and c.status <> 'rejected' and (not c.is_demonstration or c.status = 'approved')) < ${opts.k}
    order by p.created_at, p.id limit ${opts.limit}`);
  // the history travels with each prompt: generation answers the whole conversation
  return (res.rows as Array<{ id: string; instruction: string; input: string | null; system: string | null; conversation: unknown; have: number }>).map((r) => ({
    ...r,
    conversation: parseConversation(r.conversation),
  }));
}

/** Inserts completions; returns their ids, in the order given. */
export async function insertCompletions(db: DbOrTx, rows: NewCompletion[]): Promise<string[]> {
  if (!rows.length) return [];
  return (await db.insert(completions).values(rows).returning({ id: completions.id })).map((r) => r.id);
}

/**
 * Held-out prompts for a release-gate comparison: those named (the snapshot's eval split) first,
 * then approved prompts created after the snapshot's cut-off (never trained on); never gold or
 * comparison copies.
 */
export async function listHeldOutPrompts(db: DbOrTx, opts: { projectId: string; ids: string[]; after: Date; limit: number }) {
  const res = await db.execute(sql`
    select p.id, p.instruction, p.input, p.category, p.source, p.system, ${conversationColumn("p")} as conversation
    from prompts p
    where p.project_id = ${opts.projectId} and p.status = 'approved' and not p.is_gold and p.compare_version_id is null
      and (p.id = any(${`{${opts.ids.filter((id) => /^[0-9a-f-]{36}$/i.test(id)).join(",")}}`}::uuid[]) or p.created_at > ${opts.after})
    order by (p.created_at > ${opts.after}), p.id limit ${opts.limit}`);
  // a later turn is generated with its history, as generate does
  type Row = { id: string; instruction: string; input: string | null; category: string | null; source: "human" | "import" | "model"; system: string | null; conversation: unknown };
  return (res.rows as Row[]).map((r) => ({ ...r, conversation: parseConversation(r.conversation) }));
}

/** How many comparison tasks a version has (0: the compare job has not run), and the version it was compared with. */
export async function comparisonSummary(db: DbOrTx, versionId: string): Promise<{ prompts: number; against: string | null }> {
  const res = await db.execute(sql`
    select count(*)::int as prompts,
      (select mv.label from completions c join prompts cp on cp.id = c.prompt_id join model_versions mv on mv.id = c.model_version_id
        where cp.compare_version_id = ${versionId} and c.model_version_id <> ${versionId} limit 1) as against
    from prompts where compare_version_id = ${versionId}`);
  const row = (res.rows as Array<{ prompts: number; against: string | null }>)[0];
  return { prompts: Number(row.prompts), against: row.against };
}

/** The human judgments of a version's comparison tasks: each current ranking's order, and which completion is the new version's. */
export async function listCompareJudgments(db: DbOrTx, versionId: string) {
  const res = await db.execute(sql`
    select p.id as "promptId", r."order", r.none_acceptable as "noneAcceptable",
      (select c.id from completions c where c.prompt_id = p.id and c.model_version_id = p.compare_version_id limit 1) as "newId"
    from prompts p join rankings r on r.prompt_id = p.id
    where p.compare_version_id = ${versionId} and r.is_current and r.source = 'human' and not r.excluded
      and not exists (select 1 from excluded_annotators x where x.project_id = p.project_id and x.user_id = r.annotator_id)
    order by r.id`);
  return res.rows as Array<{ promptId: string; order: string[][]; noneAcceptable: boolean; newId: string | null }>;
}
