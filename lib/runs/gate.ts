// The release gate: a new version's blind pairwise judgments against the version active when it was trained,
// as a win rate with a bootstrap confidence interval; promotion is recommended only when its lower bound is above 50%.
import "server-only";
import type { DbOrTx } from "@/db/client";
import { comparisonSummary, listCompareJudgments } from "@/db/queries/generation";
import { winRateWithCi, type PairwiseOutcome } from "@/lib/leaderboard/leaderboard";

export type ReleaseGate = {
  /** The version the new one was compared with. */
  against: string | null;
  /** Comparison tasks in the queue, how many of them have at least one judgment, and the human judgments made on them so far. */
  prompts: number;
  judgedPrompts: number;
  judgments: number;
  /** Judgments the gate waits for before it gives a verdict. */
  needed: number;
  /** Percent of judgments the new version won, ties ("equal" or "both bad") counting half; null before any. */
  winRate: number | null;
  ci: [number, number] | null;
  /** pending until `needed` judgments are in; then recommended only when the interval's lower bound is above 50%. */
  status: "pending" | "recommended" | "not_recommended";
  recommended: boolean;
};

/** A version's gate as the Models page words it: the verdict, pending, or why there is none. */
export type GateState = ReleaseGate["status"] | "first" | "nothing_to_compare" | "not_compared";

/**
 * Judgments before a verdict: a dozen, or one per task when there are fewer tasks. With 12 judgments
 * the 95% bootstrap interval's lower bound clears 50% only when the new version won at least 10 of them (no ties).
 */
export const GATE_MIN_JUDGMENTS = 12;

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
  const rows = await listCompareJudgments(db, versionId);
  const outcomes = rows.map(judgmentOutcome);
  const rate = winRateWithCi(outcomes, { model: "new", baseline: "old", rounds: ROUNDS, seed: SEED });
  const judgments = outcomes.filter((o) => o.winner !== null).length;
  const judgedPrompts = new Set(rows.filter((_, i) => outcomes[i].winner !== null).map((r) => r.promptId)).size;
  const needed = Math.min(GATE_MIN_JUDGMENTS, summary.prompts);
  const recommended = judgments >= needed && rate.ci !== null && rate.ci[0] > 50;
  const status = judgments < needed ? "pending" : recommended ? "recommended" : "not_recommended";
  return { against: summary.against, prompts: summary.prompts, judgedPrompts, judgments, needed, winRate: rate.winRate, ci: rate.ci, status, recommended };
}
