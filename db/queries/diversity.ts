// Data access for task diversity, category steering and write-from-seed: prompt texts by project, rankings per category, seed samples.
import "server-only";
import { sql } from "drizzle-orm";
import type { DbOrTx } from "../client";

/** Prompts that count as the project's tasks: not rejected, not drafts, not gold tasks, not release-gate copies. */
const liveTasks = (projectId: string) => sql`p.project_id = ${projectId} and p.status not in ('rejected', 'draft') and not p.is_gold and p.compare_of is null`;

/** Newest first, at most `limit`, each with the word counts of its demonstrations that are not rejected. */
export async function listDiversityPrompts(db: DbOrTx, opts: { projectId: string; limit: number }) {
  const res = await db.execute(sql`
    select p.id, p.instruction, p.input, p.category,
      coalesce((select json_agg(coalesce(array_length(regexp_split_to_array(btrim(c.text), '\\s+'), 1), 0))
                from completions c where c.prompt_id = p.id and c.is_demonstration and c.status <> 'rejected' and btrim(c.text) <> ''), '[]') as response_words
    from prompts p where ${liveTasks(opts.projectId)}
    order by p.created_at desc, p.id
    limit ${opts.limit}`);
  type Row = { id: string; instruction: string; input: string | null; category: string | null; response_words: number[] | string };
  return (res.rows as Row[]).map((r) => ({ id: r.id, instruction: r.instruction, input: r.input, category: r.category, responseWords: typeof r.response_words === "string" ? (JSON.parse(r.response_words) as number[]) : r.response_words }));
}

/** Human rankings collected per category (the sum of ranking_count), what steering compares with the targets. */
export async function listRankingsPerCategory(db: DbOrTx, projectId: string): Promise<Map<string, number>> {
  const res = await db.execute(sql`
    select coalesce(p.category, '(none)') as category, sum(p.ranking_count)::int as rankings
    from prompts p where ${liveTasks(projectId)} group by 1`);
  return new Map((res.rows as Array<{ category: string; rankings: number | string }>).map((r) => [r.category, Number(r.rankings)]));
}

/** `k` random seed tasks: prompts of the given import batches (audit ids of `import.file`), or the approved prompts when none is given. */
export async function listSeedSample(db: DbOrTx, opts: { projectId: string; auditIds: number[]; k: number; hold?: boolean }) {
  const batch = opts.auditIds.length
    ? sql`and p.source = 'import' and p.created_at in (select l.created_at from audit_log l
          where l.action = 'import.file' and l.target_id = ${opts.projectId}::text and l.id in (${sql.join(opts.auditIds.map((id) => sql`${id}`), sql`, `)}))`
    : sql`and p.status = 'approved'`;
  const res = await db.execute(sql`
    select p.id, p.instruction, p.input, p.category from prompts p
    where ${liveTasks(opts.projectId)} ${batch}
      ${opts.hold ? sql`and p.id not in (select s.target_id from screenings s where s.project_id = ${opts.projectId} and s.review = 'open' and s.target_type = 'prompt')` : sql``}
    order by random() limit ${opts.k}`);
  return res.rows as Array<{ id: string; instruction: string; input: string | null; category: string | null }>;
}

/** The instructions a new one must differ from (Self-Instruct: every existing one), newest first, at most `limit`; `exceptId` is the draft being written. */
export async function listInstructionsForNovelty(db: DbOrTx, opts: { projectId: string; limit: number; exceptId?: string }) {
  const res = await db.execute(sql`
    select p.id, p.instruction from prompts p
    where p.project_id = ${opts.projectId} and p.status <> 'rejected' and p.status <> 'draft' and p.compare_of is null
      ${opts.exceptId ? sql`and p.id <> ${opts.exceptId}::uuid` : sql``}
    order by p.created_at desc, p.id limit ${opts.limit}`);
  return res.rows as Array<{ id: string; instruction: string }>;
}
