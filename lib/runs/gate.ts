// The release gate: a new version's blind pairwise judgments against the version active when it was trained,
// as a win rate with a bootstrap confidence interval; promotion is recommended only when its lower bound is above 50%.
import type { DbOrTx } from "@/db/client";
import { comparisonSummary, listCompareJudgments } from "@/db/queries/generation";
import { winRateWithCi, type PairwiseOutcome } from "@/lib/leaderboard/leaderboard";

export type ReleaseGate = {
  /** The version the new one was compared with. */
  against: string | null;
  /** Comparison tasks in the queue, and the human judgments made on them so far. */
  prompts: number;
  judgments: number;
  /** Percent of judgments the new version won, ties ("equal" or "both bad") counting half; null before any. */
  winRate: number | null;
  ci: [number, number] | null;
  recommended: boolean;
};

const ROUNDS = 1000;
const SEED = 1;

/** One judgment: the new version's output ranked above, below or level with the other one. */
export function judgmentOutcome(j: { order: string[][]; noneAcceptable: boolean; newId: string | null }): PairwiseOutcome {
  const rank = (id: string) => j.order.findIndex((g) => g.includes(id));
  const other = j.order.flat().find((id) => id !== j.newId);
  if (!j.newId || !other || rank(j.newId) < 0) return { a: "new", b: "old", winner: null };
  if (j.noneAcceptable) return { a: "new", b: "old", winner: "tie" };
  const [mine, theirs] = [rank(j.newId), rank(other)];
  return { a: "new", b: "old", winner: mine < theirs ? "a" : mine > theirs ? "b" : "tie" };
}

/** The gate of one version; null when no comparison was generated for it. */
export async function releaseGate(db: DbOrTx, versionId: string): Promise<ReleaseGate | null> {
  const summary = await comparisonSummary(db, versionId);
  if (summary.prompts === 0) return null;
  const outcomes = (await listCompareJudgments(db, versionId)).map(judgmentOutcome);
  const rate = winRateWithCi(outcomes, { model: "new", baseline: "old", rounds: ROUNDS, seed: SEED });
  const judgments = outcomes.filter((o) => o.winner !== null).length;
  return { against: summary.against, prompts: summary.prompts, judgments, winRate: rate.winRate, ci: rate.ci, recommended: rate.ci !== null && rate.ci[0] > 50 };
}
