// Data access for the leaderboard: every current ranking of a project with the generator and text of each ranked completion.
import "server-only";
import { sql } from "drizzle-orm";
import type { DbOrTx } from "../client";

export async function listRankingsWithGenerators(db: DbOrTx, projectId: string) {
  const res = await db.execute(sql`
    select r."order",
      (select json_object_agg(c.id, coalesce(mv.label, c.generator))
         from completions c left join model_versions mv on mv.id = c.model_version_id
        where c.prompt_id = r.prompt_id) as generators,
      (select json_object_agg(c.id, c.text) from completions c where c.prompt_id = r.prompt_id) as texts
    from rankings r join prompts p on p.id = r.prompt_id
    where p.project_id = ${projectId} and r.is_current and not r.excluded and p.status <> 'rejected'
      and not exists (select 1 from excluded_annotators x where x.project_id = p.project_id and x.user_id = r.annotator_id)`);
  const json = <T>(v: T | string | null): T => (typeof v === "string" ? (JSON.parse(v) as T) : (v ?? ({} as T)));
  // Memory: every ranked completion's text of the project at once (the style covariates need them); a project
  // leaderboard is read per page view, not streamed.
  return (res.rows as Array<{ order: string[][]; generators: Record<string, string | null> | string | null; texts: Record<string, string> | string | null }>).map((r) => ({
    order: r.order,
    generators: json<Record<string, string | null>>(r.generators),
    texts: json<Record<string, string>>(r.texts),
  }));
}
