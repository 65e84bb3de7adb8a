// Prompts per language (#19), for the Diversity page: every live task of the project (not a sample), with the human
// rankings they collected. The set of prompts is diversity.ts's liveTasks: not rejected, not drafts, no gold tasks,
// no release-gate copies.
import "server-only";
import { sql } from "drizzle-orm";
import type { DbOrTx } from "../client";

export async function countPromptsPerLanguage(db: DbOrTx, projectId: string): Promise<Array<{ language: string | null; prompts: number; rankings: number }>> {
  const res = await db.execute(sql`
    select p.language, count(*)::int as prompts, coalesce(sum(p.ranking_count), 0)::int as rankings
    from prompts p
    where p.project_id = ${projectId} and p.status not in ('rejected', 'draft') and not p.is_gold and p.compare_of is null
    group by p.language
    order by count(*) desc, p.language nulls last`);
  return (res.rows as Array<{ language: string | null; prompts: number | string; rankings: number | string }>).map((r) => ({ language: r.language, prompts: Number(r.prompts), rankings: Number(r.rankings) }));
}
