// The `score` job: the project's active reward model (lib/suggestions) scores the outputs of its open prompts (those
// still collecting rankings) in a trainer child process; the scores are stored per completion and version, and the
// prompts' routing figures are recomputed with the new margins, in one transaction.
import "server-only";
import { z } from "zod";
import { getDb } from "@/db/client";
import { getProjectById } from "@/db/queries/projects";
import { getActiveRewardModel, insertRewardScores, listCompletionsToScore } from "@/db/queries/reward-scores";
import { recordAudit } from "@/lib/audit";
import { historiesBefore } from "@/lib/conversations/history";
import { userTurn } from "@/lib/conversations/messages";
import { AppError, parseInput } from "@/lib/errors";
import { recomputePromptConsensus } from "@/lib/rankings/consensus-state";
import { enqueue } from "./queue";
import { scoreResponses } from "./trainer-process";

export const scoreJobInput = z
  .object({
    projectId: z.uuid(),
    /** outputs scored by one job at most (the next job, or the next reward model, takes the rest) */
    limit: z.number().int().min(1).max(20_000).default(2_000),
  })
  .strict();

/** Sends a `score` job when the project has a reward model; one waiting job per project is enough. */
export async function queueScoring(projectId: string): Promise<string | null> {
  if (!(await getActiveRewardModel(getDb(), projectId))) return null;
  return enqueue("score", { projectId }, { singletonKey: `score-${projectId}` });
}

export async function runScoreJob(data: unknown) {
  const input = parseInput(scoreJobInput, data, "job");
  const db = getDb();
  const project = await getProjectById(db, input.projectId);
  if (!project) throw new AppError("not_found:project", `No project ${input.projectId}.`);
  const rm = await getActiveRewardModel(db, project.id);
  if (!rm) return { scored: 0, reason: "no reward model" };
  const todo = await listCompletionsToScore(db, { projectId: project.id, versionId: rm.id, limit: input.limit });
  if (!todo.length) return { scored: 0 };
  const promptIds = [...new Set(todo.map((c) => c.promptId))];
  const histories = await historiesBefore(db, promptIds);
  const scores = await scoreResponses(
    rm.checkpointPath,
    todo.map((c) => ({ id: c.completionId, messages: [...(histories.get(c.promptId) ?? []), { role: "user" as const, content: userTurn(c) }], response: c.text })),
  );
  const rows = todo.filter((c) => scores.has(c.completionId)).map((c) => ({ completionId: c.completionId, modelVersionId: rm.id, score: scores.get(c.completionId)! }));
  await db.transaction(async (tx) => {
    await insertRewardScores(tx, rows);
    // The margins route (rewardMarginThreshold) and the order counts as a ranking (rewardAsRanking): each scored prompt's consensus and agreement are recomputed with them.
    if (project.settings.rewardMarginThreshold !== undefined || project.settings.rewardAsRanking) for (const id of promptIds) await recomputePromptConsensus(tx, id, project.settings);
    await recordAudit(tx, { actorId: null, action: "model.score", targetType: "model_version", targetId: rm.id, data: { outputs: rows.length, prompts: promptIds.length } });
  });
  return { scored: rows.length, prompts: promptIds.length };
}
