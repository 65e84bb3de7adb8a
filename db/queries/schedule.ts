// Data access for the retrain schedule: projects with a schedule, the schedule row under lock, new pairs since a time.
import "server-only";
import { eq, sql } from "drizzle-orm";
import type { DbOrTx } from "../client";
import { projects, type RetrainSchedule } from "../schema";

/** What projects.retrain_schedule holds: the admin's settings plus the scheduler's bookkeeping. */
export type StoredSchedule = RetrainSchedule & {
  /** ISO; the window for the next check starts here (exclusive) */
  lastCheckAt?: string | null;
  /** the last check at which a cron time had come due */
  lastDecision?: { at: string; fired: boolean; reason: string; runId?: string | null } | null;
};

export async function listProjectIdsWithEnabledSchedule(db: DbOrTx): Promise<string[]> {
  const res = await db.execute(
    sql`select id from projects where retrain_schedule is not null and (retrain_schedule->>'enabled')::boolean is true order by slug`,
  );
  return (res.rows as Array<{ id: string }>).map((r) => r.id);
}

/** The project row locked for update, so that two checks of one project run one after the other. */
export async function getProjectScheduleForUpdate(db: DbOrTx, projectId: string) {
  const [row] = await db
    .select({ id: projects.id, slug: projects.slug, retrainSchedule: projects.retrainSchedule })
    .from(projects)
    .where(eq(projects.id, projectId))
    .for("update");
  // The rule reads RetrainSchedule and StoredSchedule (RetrainSchedule plus optional fields) as one type; tsc does not.
  // eslint-disable-next-line @typescript-eslint/no-unnecessary-type-assertion
  return row ? { ...row, retrainSchedule: row.retrainSchedule as StoredSchedule | null } : null;
}

export async function updateProjectSchedule(db: DbOrTx, projectId: string, schedule: StoredSchedule) {
  await db.update(projects).set({ retrainSchedule: schedule }).where(eq(projects.id, projectId));
}

/**
 * The default count of new curated pairs: current, non-excluded rankings of settled, non-gold prompts
 * created after `since`. A stand-in until curation offers an exact count of pairs.
 */
export async function countSettledRankingsSince(db: DbOrTx, projectId: string, since: Date | null): Promise<number> {
  const res = await db.execute(sql`
    select count(*)::int as n
    from rankings r join prompts p on p.id = r.prompt_id
    where p.project_id = ${projectId} and p.settled and not p.is_gold and p.status = 'approved'
      and r.is_current and not r.excluded
      and r.created_at > ${since ?? new Date(0)}`);
  return Number((res.rows as Array<{ n: number }>)[0]?.n ?? 0);
}
