// Data access for the queue's make-up: a project's open ranking tasks by kind, version and import batch.
import "server-only";
import { sql } from "drizzle-orm";
import type { DbOrTx } from "../client";
import { wantedRankingsSql, type OverlapWant } from "./assignments";

export type QueueMakeupRow = {
  kind: "gate" | "active" | "model" | "import" | "human";
  /** a version label (gate, active, model), an import's audit-log id (import), or null */
  label: string | null;
  /** for an import batch: the file it came from */
  file: string | null;
  open: number;
};

/**
 * Open tasks (approved, not gold, fewer current rankings than the prompt wants: the overlap, or with routing its range), each counted once under the first kind it
 * matches: a release-gate comparison (by the version under the gate), holding an output of the active version, of
 * another version (the newest one it holds), imported (by import), or written by people. The versions' outputs are
 * read through their index; the rest is one pass over the project's prompts: about 2 s at 1,000,000 prompts on the
 * 2-core bench machine, so it belongs on an admin page, not the next-task path.
 */
export async function countOpenTasksByKind(db: DbOrTx, opts: { projectId: string; want: OverlapWant; activeVersionId: string | null }): Promise<QueueMakeupRow[]> {
  const active = opts.activeVersionId ? sql`${opts.activeVersionId}::uuid` : sql`null::uuid`;
  const open = sql`p.project_id = ${opts.projectId} and p.status = 'approved' and not p.is_gold and p.ranking_count < ${wantedRankingsSql(opts.want)}`;
  const res = await db.execute(sql`
    with versioned as materialized (
      select c.prompt_id as id, bool_or(c.model_version_id = ${active}) as act, (array_agg(v.label order by v.created_at desc))[1] as newest
      from model_versions v join completions c on c.model_version_id = v.id join prompts p on p.id = c.prompt_id
      where v.project_id = ${opts.projectId} and p.compare_version_id is null and ${open}
      group by c.prompt_id),
    imports as (
      select l.id, l.created_at, l.data->>'file' as file from audit_log l
      where l.action = 'import.file' and l.target_id = ${opts.projectId}::text)
    select 'gate' as kind, v.label, null as file, count(*)::int as open
      from prompts p join model_versions v on v.id = p.compare_version_id
      where ${open}
      group by v.label
    union all
    select case when x.act then 'active' else 'model' end, case when x.act then (select label from model_versions where id = ${active}) else x.newest end, null, count(*)::int
      from versioned x group by 1, 2
    union all
    select case when p.source = 'import' then 'import' else 'human' end, i.id::text, i.file, count(*)::int
      from prompts p left join imports i on p.source = 'import' and i.created_at = p.created_at
      where ${open} and p.compare_version_id is null and not exists (select 1 from versioned x where x.id = p.id)
      group by 1, 2, 3
    order by 1, 2`);
  return (res.rows as Array<{ kind: QueueMakeupRow["kind"]; label: string | null; file: string | null; open: number | string }>).map((r) => ({ ...r, open: Number(r.open) }));
}
