// Data access for fresh model outputs: prompts short of K outputs, and inserting what a version wrote.
import { sql } from "drizzle-orm";
import type { DbOrTx } from "../client";
import { completions, type NewCompletion } from "../schema";

/** Approved, non-gold prompts with fewer than k rankable outputs, oldest first. */
export async function listPromptsNeedingOutputs(db: DbOrTx, opts: { projectId: string; k: number; limit: number }) {
  const res = await db.execute(sql`
    select p.id, p.instruction, p.input,
      (select count(*)::int from completions c where c.prompt_id = p.id and c.status <> 'rejected' and (not c.is_demonstration or c.status = 'approved')) as have
    from prompts p
    where p.project_id = ${opts.projectId} and p.status = 'approved' and not p.is_gold and not p.settled
      and (select count(*) from completions c where c.prompt_id = p.id and c.status <> 'rejected' and (not c.is_demonstration or c.status = 'approved')) < ${opts.k}
    order by p.created_at, p.id limit ${opts.limit}`);
  return res.rows as Array<{ id: string; instruction: string; input: string | null; have: number }>;
}

export async function insertCompletions(db: DbOrTx, rows: NewCompletion[]) {
  if (rows.length) await db.insert(completions).values(rows);
}
