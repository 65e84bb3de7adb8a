// Data access for the Evaluation page: rankings between model versions' outputs, output lengths per version and category,
// and the categories of a snapshot's held-out prompts.
import "server-only";
import { sql } from "drizzle-orm";
import type { DbOrTx } from "../client";

/**
 * Every current human ranking of the project (release-gate comparisons and fresh outputs alike) that placed outputs of
 * two or more of its versions: the prompt's category, the order, "none acceptable", and which version wrote each
 * ranked completion. Grows with the rankings of version outputs, read per page view.
 */
export async function listVersionRankings(db: DbOrTx, projectId: string) {
  const res = await db.execute(sql`
    select p.category, r."order", r.none_acceptable as "noneAcceptable",
      (select json_object_agg(c.id, c.model_version_id) from completions c where c.prompt_id = r.prompt_id and c.model_version_id is not null) as versions
    from rankings r join prompts p on p.id = r.prompt_id
    where p.project_id = ${projectId} and r.is_current and r.source = 'human' and not r.excluded and p.status <> 'rejected'
      and not exists (select 1 from excluded_annotators x where x.project_id = p.project_id and x.user_id = r.annotator_id)
      and (select count(distinct c.model_version_id) from completions c where c.prompt_id = r.prompt_id and c.model_version_id is not null) >= 2
    order by r.id`);
  type Row = { category: string | null; order: string[][]; noneAcceptable: boolean; versions: Record<string, string> | string | null };
  return (res.rows as Row[]).map((r) => ({
    category: r.category,
    order: r.order,
    noneAcceptable: r.noneAcceptable,
    versions: (typeof r.versions === "string" ? JSON.parse(r.versions) : (r.versions ?? {})) as Record<string, string>,
  }));
}

/**
 * Output length in characters of every completion a version wrote, per version and category of its prompt and per
 * version over all categories (`all` true): count, mean and median. Rejected completions are left out.
 */
export async function listOutputLengths(db: DbOrTx, projectId: string) {
  const res = await db.execute(sql`
    select c.model_version_id as "versionId", p.category, grouping(p.category) = 1 as "all",
      count(*)::int as outputs, avg(char_length(c.text))::float8 as "meanChars",
      percentile_cont(0.5) within group (order by char_length(c.text))::float8 as "medianChars"
    from completions c join prompts p on p.id = c.prompt_id
    where p.project_id = ${projectId} and c.model_version_id is not null and c.status <> 'rejected'
    group by grouping sets ((c.model_version_id, p.category), (c.model_version_id))`);
  return (res.rows as Array<{ versionId: string; category: string | null; all: boolean; outputs: number; meanChars: number; medianChars: number }>).map((r) => ({
    ...r,
    outputs: Number(r.outputs),
    meanChars: Number(r.meanChars),
    medianChars: Number(r.medianChars),
  }));
}

/** Category of each named prompt of the project (null: none); ids that are not its prompts are left out. */
export async function listPromptCategories(db: DbOrTx, opts: { projectId: string; ids: string[] }) {
  const ids = opts.ids.filter((id) => /^[0-9a-f-]{36}$/i.test(id));
  if (!ids.length) return [];
  const res = await db.execute(sql`select id, category from prompts where project_id = ${opts.projectId} and id = any(${`{${ids.join(",")}}`}::uuid[])`);
  return res.rows as Array<{ id: string; category: string | null }>;
}

/** Adds entries to a version's metrics in one statement (jsonb ||: a key present is replaced, the others kept). */
export async function mergeVersionMetrics(db: DbOrTx, id: string, metrics: Record<string, number>) {
  await db.execute(sql`update model_versions set metrics = metrics || ${JSON.stringify(metrics)}::jsonb where id = ${id}`);
}
