// Data access for project figures: counts of prompts, completions, rankings and open leases.
import "server-only";
import { and, count, eq, gt, sql } from "drizzle-orm";
import type { DbOrTx } from "../client";
import { assignments, completions, modelVersions, prompts, rankings } from "../schema";

export async function countPromptsByStatus(db: DbOrTx, projectId: string) {
  return db.select({ status: prompts.status, n: count() }).from(prompts).where(eq(prompts.projectId, projectId)).groupBy(prompts.status);
}

export async function countSettledPrompts(db: DbOrTx, projectId: string): Promise<number> {
  const [row] = await db.select({ n: count() }).from(prompts).where(and(eq(prompts.projectId, projectId), eq(prompts.settled, true)));
  return row.n;
}

export async function countCompletionsBySource(db: DbOrTx, projectId: string) {
  return db
    .select({ source: completions.source, n: count() })
    .from(completions)
    .innerJoin(prompts, eq(prompts.id, completions.promptId))
    .where(eq(prompts.projectId, projectId))
    .groupBy(completions.source);
}

/** Outputs written by each of the project's model versions, by the version's label. */
export async function countOutputsByModelVersion(db: DbOrTx, projectId: string) {
  return db
    .select({ label: modelVersions.label, n: count() })
    .from(completions)
    .innerJoin(modelVersions, eq(modelVersions.id, completions.modelVersionId))
    .where(eq(modelVersions.projectId, projectId))
    .groupBy(modelVersions.label);
}

/** Current rankings only: a revised ranking keeps its history, but only the latest revision counts. */
export async function countRankingsBySource(db: DbOrTx, projectId: string) {
  return db
    .select({ source: rankings.source, n: count() })
    .from(rankings)
    .innerJoin(prompts, eq(prompts.id, rankings.promptId))
    .where(and(eq(prompts.projectId, projectId), eq(rankings.isCurrent, true)))
    .groupBy(rankings.source);
}

export async function countOpenLeases(db: DbOrTx, projectId: string): Promise<number> {
  const [row] = await db
    .select({ n: count() })
    .from(assignments)
    .where(and(eq(assignments.projectId, projectId), eq(assignments.status, "open"), gt(assignments.expiresAt, sql`now()`)));
  return row.n;
}
