// Data access for the Playground's Arena: the lock that makes a vote idempotent under concurrent retries, and a person's recent votes.
import "server-only";
import { sql } from "drizzle-orm";
import type { DbOrTx } from "../client";

/**
 * Holds a transaction-scoped advisory lock on `key` until the transaction ends, so two submissions of one round (a
 * double click, a retry while the first is still writing) run one after the other and the second finds the first's
 * ranking by its idempotency key instead of writing a second prompt.
 */
export async function lockIdempotencyKey(tx: DbOrTx, key: string) {
  await tx.execute(sql`select pg_advisory_xact_lock(hashtextextended(${key}, 0))`);
}

/** A person's latest Arena votes in a project (rankings stored under an `arena:` key), newest first, with who answered. */
export async function listArenaVotesByUser(db: DbOrTx, opts: { projectId: string; userId: string; limit: number }) {
  // db.execute is untyped over the pg/PGlite union; the rows are typed below, as the select lists them.
  const res: { rows: unknown[] } = await db.execute(sql`
    select r.id, r."order", r.none_acceptable as "noneAcceptable", r.created_at as "createdAt", p.instruction,
      (select json_object_agg(c.id, coalesce(mv.label, c.generator))
         from completions c left join model_versions mv on mv.id = c.model_version_id
        where c.prompt_id = p.id) as generators
    from rankings r join prompts p on p.id = r.prompt_id
    where p.project_id = ${opts.projectId} and r.annotator_id = ${opts.userId} and r.idempotency_key like 'arena:%' and r.is_current
    order by r.created_at desc, r.id limit ${opts.limit}`);
  return (res.rows as Array<{ id: string; order: string[][]; noneAcceptable: boolean; createdAt: string | Date; instruction: string; generators: Record<string, string | null> | string | null }>).map((r) => ({
    ...r,
    createdAt: new Date(r.createdAt),
    generators: (typeof r.generators === "string" ? JSON.parse(r.generators) : (r.generators ?? {})) as Record<string, string | null>,
  }));
}
