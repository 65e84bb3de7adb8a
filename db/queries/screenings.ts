// Data access for screenings: the texts to screen, hits stored beside their targets, the review queue's and the export's view of them.
import "server-only";
import { and, eq, inArray, sql } from "drizzle-orm";
import type { DbOrTx } from "../client";
import { screenings, type NewScreening, type Screening, type ScreeningReview } from "../schema";

export type ScreenTarget = { targetType: "prompt" | "completion"; targetId: string; promptId: string; projectId: string; fields: Array<{ field: "instruction" | "input" | "text"; text: string }> };

type TextRow = { type: "prompt" | "completion"; id: string; promptId: string; projectId: string; instruction: string | null; input: string | null; text: string | null };
const toTarget = (r: TextRow): ScreenTarget => ({
  targetType: r.type,
  targetId: r.id,
  promptId: r.promptId,
  projectId: r.projectId,
  fields:
    r.type === "prompt"
      ? [{ field: "instruction" as const, text: r.instruction ?? "" }, ...(r.input ? [{ field: "input" as const, text: r.input }] : [])]
      : [{ field: "text" as const, text: r.text ?? "" }],
});

/** The texts of these prompts and completions, with the prompt and project each belongs to. */
export async function listScreenTargets(db: DbOrTx, opts: { promptIds: string[]; completionIds: string[] }): Promise<ScreenTarget[]> {
  const ids = (list: string[]) => sql.join(list.map((id) => sql`${id}::uuid`), sql`, `);
  const parts = [];
  if (opts.promptIds.length)
    parts.push(sql`select 'prompt' as type, p.id, p.id as "promptId", p.project_id as "projectId", p.instruction, p.input, null as text from prompts p where p.id in (${ids(opts.promptIds)})`);
  if (opts.completionIds.length)
    parts.push(
      sql`select 'completion' as type, c.id, c.prompt_id as "promptId", p.project_id as "projectId", null as instruction, null as input, c.text from completions c join prompts p on p.id = c.prompt_id where c.id in (${ids(opts.completionIds)})`,
    );
  if (!parts.length) return [];
  const res = await db.execute(sql.join(parts, sql` union all `));
  return (res.rows as TextRow[]).map(toTarget);
}

/** What this transaction stored in a project and nobody screened yet: rows whose created_at is the transaction's start (now()). */
export async function listUnscreenedOfTransaction(db: DbOrTx, projectId: string): Promise<ScreenTarget[]> {
  const res = await db.execute(sql`
    select 'prompt' as type, p.id, p.id as "promptId", p.project_id as "projectId", p.instruction, p.input, null as text
    from prompts p where p.project_id = ${projectId} and p.created_at = now()
      and not exists (select 1 from screenings s where s.target_type = 'prompt' and s.target_id = p.id)
    union all
    select 'completion' as type, c.id, c.prompt_id as "promptId", p.project_id as "projectId", null as instruction, null as input, c.text
    from completions c join prompts p on p.id = c.prompt_id where p.project_id = ${projectId} and c.created_at = now()
      and not exists (select 1 from screenings s where s.target_type = 'completion' and s.target_id = c.id)`);
  return (res.rows as TextRow[]).map(toTarget);
}

/** Inserts screenings; a target screened before (its text was edited) gets the new hits, review and safety state. */
export async function upsertScreenings(db: DbOrTx, rows: NewScreening[]) {
  for (let i = 0; i < rows.length; i += 1000) {
    await db
      .insert(screenings)
      .values(rows.slice(i, i + 1000))
      .onConflictDoUpdate({
        target: [screenings.targetType, screenings.targetId],
        set: { pii: sql`excluded.pii`, review: sql`excluded.review`, safety: sql`excluded.safety`, safetyCategories: sql`null`, safetyAttempts: 0, safetyError: sql`null`, updatedAt: new Date() },
      });
  }
}

export async function listScreeningsByPrompts(db: DbOrTx, promptIds: string[]): Promise<Screening[]> {
  if (!promptIds.length) return [];
  return db.select().from(screenings).where(inArray(screenings.promptId, promptIds));
}

/** Prompts with an open screening (PII hits or a safety flag awaiting a reviewer), oldest first, not rejected ones. */
export async function listOpenScreeningPrompts(db: DbOrTx, opts: { projectId: string; category?: string; limit: number }) {
  const res = await db.execute(sql`
    select p.id, p.instruction, p.input, p.category, min(s.created_at) as "screenedAt"
    from screenings s join prompts p on p.id = s.prompt_id
    where s.project_id = ${opts.projectId} and s.review = 'open' and p.status <> 'rejected'
      ${opts.category ? sql`and p.category = ${opts.category}` : sql``}
    group by p.id order by min(s.created_at), p.id limit ${opts.limit}`);
  return res.rows as Array<{ id: string; instruction: string; input: string | null; category: string | null }>;
}

/** Sets the review state of a prompt's open screenings; returns how many there were. */
export async function closeOpenScreenings(db: DbOrTx, promptId: string, review: Exclude<ScreeningReview, "open" | "none">) {
  const rows = await db
    .update(screenings)
    .set({ review, updatedAt: new Date() })
    .where(and(eq(screenings.promptId, promptId), eq(screenings.review, "open")))
    .returning({ id: screenings.id });
  return rows.length;
}

/** PII hits an export must treat (not cleared by a reviewer) in a project, as of `cutoff`: one row per text with hits. */
export async function listExportPiiHits(db: DbOrTx, opts: { projectId: string; cutoff: Date }) {
  const res = await db.execute(sql`
    select s.target_type as "targetType", s.target_id as "targetId", s.prompt_id as "promptId", s.pii
    from screenings s
    where s.project_id = ${opts.projectId} and jsonb_array_length(s.pii) > 0 and s.created_at <= ${opts.cutoff}
      -- cleared after the cut-off still counts as open: a re-export of the snapshot writes the same bytes
      and (s.review <> 'cleared' or s.updated_at > ${opts.cutoff})`);
  return res.rows as Array<{ targetType: "prompt" | "completion"; targetId: string; promptId: string; pii: Screening["pii"] | string }>;
}
