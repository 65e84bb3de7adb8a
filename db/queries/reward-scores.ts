// Data access for reward models and their scores of open prompts' outputs.
import "server-only";
import { and, desc, eq, inArray, sql } from "drizzle-orm";
import type { DbOrTx } from "../client";
import { completions, modelVersions, rewardScores, type NewRewardScore } from "../schema";

/** The project's active reward model: its newest ready version of kind reward (a succeeded run of stage rm). */
export async function getActiveRewardModel(db: DbOrTx, projectId: string) {
  const [row] = await db
    .select()
    .from(modelVersions)
    .where(and(eq(modelVersions.projectId, projectId), eq(modelVersions.kind, "reward"), eq(modelVersions.status, "ready")))
    .orderBy(desc(modelVersions.createdAt))
    .limit(1);
  return row ?? null;
}

export type CompletionToScore = { completionId: string; promptId: string; instruction: string; input: string | null; text: string };

/**
 * Outputs of open prompts (approved, not gold, not settled: still collecting rankings) that this version has not
 * scored: the outputs an annotator would rank (not rejected; a demonstration once approved), oldest prompts first.
 */
export async function listCompletionsToScore(db: DbOrTx, opts: { projectId: string; versionId: string; limit: number }): Promise<CompletionToScore[]> {
  const res = await db.execute(sql`
    select c.id as "completionId", p.id as "promptId", p.instruction, p.input, c.text
    from prompts p join completions c on c.prompt_id = p.id
    where p.project_id = ${opts.projectId} and p.status = 'approved' and not p.is_gold and not p.settled
      and c.status <> 'rejected' and (not c.is_demonstration or c.status = 'approved')
      and not exists (select 1 from reward_scores s where s.completion_id = c.id and s.model_version_id = ${opts.versionId})
    order by p.created_at, p.id, c.created_at, c.id
    limit ${opts.limit}`);
  return res.rows as CompletionToScore[];
}

/** Stores scores; a completion the version already scored keeps its first score (a retried job adds nothing). */
export async function insertRewardScores(db: DbOrTx, rows: NewRewardScore[]) {
  if (!rows.length) return [];
  return db.insert(rewardScores).values(rows).onConflictDoNothing().returning();
}

export type PromptRewardScore = { promptId: string; completionId: string; score: number };

/** A version's scores of these prompts' current outputs (rejected ones left out). */
export async function listRewardScoresForPrompts(db: DbOrTx, opts: { versionId: string; promptIds: string[] }): Promise<PromptRewardScore[]> {
  if (!opts.promptIds.length) return [];
  return db
    .select({ promptId: completions.promptId, completionId: rewardScores.completionId, score: rewardScores.score })
    .from(rewardScores)
    .innerJoin(completions, eq(completions.id, rewardScores.completionId))
    .where(and(eq(rewardScores.modelVersionId, opts.versionId), inArray(completions.promptId, opts.promptIds), sql`${completions.status} <> 'rejected'`));
}
