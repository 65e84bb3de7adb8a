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

/** Which of these prompts and completions have an open screening (awaiting a reviewer): their ids. Reads screenings_target_idx. */
export async function listOpenScreenedTargets(db: DbOrTx, opts: { promptIds: string[]; completionIds: string[] }): Promise<Set<string>> {
  if (!opts.promptIds.length && !opts.completionIds.length) return new Set();
  const arr = (ids: string[]) => sql`${`{${ids.join(",")}}`}::uuid[]`;
  const res = await db.execute(sql`
    select s.target_id as id from screenings s
    where s.review = 'open' and ((s.target_type = 'prompt' and s.target_id = any(${arr(opts.promptIds)}))
                               or (s.target_type = 'completion' and s.target_id = any(${arr(opts.completionIds)})))`);
  return new Set((res.rows as Array<{ id: string }>).map((r) => r.id));
}

/** Whether any text of this prompt (its own or an output's) has an open screening. */
export async function hasOpenScreening(db: DbOrTx, promptId: string): Promise<boolean> {
  const res = await db.execute(sql`select 1 from screenings where prompt_id = ${promptId} and review = 'open' limit 1`);
  return res.rows.length > 0;
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

/** A screening the moderation job works on: the text(s) to judge and the project's settings. */
export type ModerationItem = { id: string; projectId: string; targetType: "prompt" | "completion"; attempts: number; prompt: string; reply: string | null };

/**
 * Claims up to `limit` pending screenings whose next try is due (first at once, then `baseSeconds` × 2^(attempts−1), at
 * most an hour), marking each tried now; SKIP LOCKED so two runners never judge one text twice at once.
 */
export async function claimDueModeration(db: DbOrTx, opts: { limit: number; baseSeconds: number }): Promise<ModerationItem[]> {
  const res = await db.execute(sql`
    with due as (
      select s.id from screenings s
      where s.safety = 'pending'
        and (s.safety_checked_at is null
          or s.safety_checked_at + least(${opts.baseSeconds}::float8 * power(2, greatest(s.safety_attempts - 1, 0)), 3600) * interval '1 second' <= now())
      order by s.created_at, s.id limit ${opts.limit} for update skip locked)
    update screenings s set safety_checked_at = now(), safety_attempts = s.safety_attempts + 1, updated_at = now()
    from due where s.id = due.id
    returning s.id, s.project_id as "projectId", s.target_type as "targetType", s.target_id as "targetId", s.prompt_id as "promptId", s.safety_attempts as attempts`);
  const rows = res.rows as Array<{ id: string; projectId: string; targetType: "prompt" | "completion"; targetId: string; promptId: string; attempts: number }>;
  const out: ModerationItem[] = [];
  for (const r of rows) {
    const p = (await db.execute(sql`select instruction, input from prompts where id = ${r.promptId}`)).rows[0] as { instruction: string; input: string | null };
    const prompt = p.input ? `${p.instruction}\n\n${p.input}` : p.instruction;
    const reply = r.targetType === "completion" ? ((await db.execute(sql`select text from completions where id = ${r.targetId}`)).rows[0] as { text: string }).text : null;
    out.push({ id: r.id, projectId: r.projectId, targetType: r.targetType, attempts: Number(r.attempts), prompt, reply });
  }
  return out;
}

/** Whether any pending screening is due, so the runner only sends a job when there is work. */
export async function hasDueModeration(db: DbOrTx, baseSeconds: number): Promise<boolean> {
  const res = await db.execute(sql`
    select 1 from screenings s where s.safety = 'pending'
      and (s.safety_checked_at is null
        or s.safety_checked_at + least(${baseSeconds}::float8 * power(2, greatest(s.safety_attempts - 1, 0)), 3600) * interval '1 second' <= now())
    limit 1`);
  return res.rows.length > 0;
}

/** Records a verdict (a flag opens the screening for review) or a failed try (still pending, or failed after the last). */
export async function setSafetyResult(db: DbOrTx, id: string, r: { safety: "safe" | "flagged" | "pending" | "failed"; categories?: string[]; error?: string | null }) {
  await db
    .update(screenings)
    .set({
      safety: r.safety,
      ...(r.categories ? { safetyCategories: r.categories } : {}),
      safetyError: r.error ?? null,
      ...(r.safety === "flagged" ? { review: sql`case when ${screenings.review} = 'none' then 'open' else ${screenings.review} end` } : {}),
      updatedAt: new Date(),
    })
    .where(eq(screenings.id, id));
}

/** A project's safety screening at a glance: counts by state and the latest error of a text still waiting or given up on. */
export async function moderationSummary(db: DbOrTx, projectId: string) {
  const counts = await db.execute(sql`select coalesce(safety, 'off') as safety, count(*)::int as n from screenings where project_id = ${projectId} group by 1`);
  const last = await db.execute(sql`
    select safety_error as error, safety_attempts as attempts, safety_checked_at as "at" from screenings
    where project_id = ${projectId} and safety in ('pending', 'failed') and safety_error is not null
    order by safety_checked_at desc nulls last limit 1`);
  return {
    counts: Object.fromEntries((counts.rows as Array<{ safety: string; n: number }>).map((r) => [r.safety, Number(r.n)])) as Record<string, number>,
    lastError: (last.rows[0] as { error: string; attempts: number; at: string | Date } | undefined) ?? null,
  };
}
