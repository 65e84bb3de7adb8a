// Reward-model scores: one row per (completion, reward model version), written by the `score` job (lib/suggestions).
import { index, pgTable, real, timestamp, uniqueIndex, uuid } from "drizzle-orm/pg-core";
import { completions } from "./prompts";
import { modelVersions } from "./training";

export const rewardScores = pgTable(
  "reward_scores",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    completionId: uuid("completion_id").notNull().references(() => completions.id),
    modelVersionId: uuid("model_version_id").notNull().references(() => modelVersions.id),
    /** the scalar head's output r(prompt, completion); only differences between a prompt's outputs mean anything */
    score: real("score").notNull(),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex("reward_scores_completion_version_idx").on(t.completionId, t.modelVersionId), index("reward_scores_version_idx").on(t.modelVersionId)],
);
export type RewardScore = typeof rewardScores.$inferSelect;
export type NewRewardScore = typeof rewardScores.$inferInsert;
