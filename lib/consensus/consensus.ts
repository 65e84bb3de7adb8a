// Combines annotators' tied rankings of one prompt's completions into a consensus order with agreement figures.
import { kendallW, meanKendallTauB } from "./agreement";
import { bordaScores } from "./borda";
import { comparisonsFromRanking, fitBradleyTerry } from "./bradley-terry";
import { compareIds, type TiedOrder } from "./ranking";

export { kendallTauB } from "./agreement";

export type ConsensusMethod = "bradley-terry" | "borda";

export type RankingInput = {
  /** Groups of tied completion ids, best first. */
  order: TiedOrder<string>;
  /** Non-negative; defaults to 1 (e.g. an annotator's quality weight). */
  weight?: number;
};

export type ConsensusResult = {
  /** Every id any ranking lists, best first; equal scores fall back to id order. */
  order: string[];
  /** Bradley–Terry log-strength (mean zero) or Borda points, by id. */
  scores: Record<string, number>;
  /** The method actually used (Borda when Bradley–Terry was not applicable or did not converge). */
  method: ConsensusMethod;
  /** Unweighted agreement between the rankings over the items all of them list. */
  agreement: { kendallW: number | null; meanTauB: number | null };
  /** Number of rankings combined. */
  n: number;
};

/**
 * Consensus order of the completions ranked in `rankings`. Bradley–Terry (each ranking broken
 * into all its pairs, ties as half wins, weighted by the ranking's weight) unless Borda is
 * asked for; falls back to Borda when there is a single ranking (BT would only restate it
 * with the prior's shrinkage) or BT does not converge. Deterministic: ids are indexed in
 * sorted order and equal scores (to 1e-9) are ordered by id.
 */
export function consensusOrder(
  rankings: RankingInput[],
  opts: { method?: ConsensusMethod } = {},
): ConsensusResult {
  const orders = rankings.map((r) => r.order);
  return { ...consensusRanking(rankings, opts), agreement: { kendallW: kendallW(orders), meanTauB: meanKendallTauB(orders) } };
}

/** The consensus order and scores alone, without the agreement figures (what curation needs per pair). */
export function consensusRanking(rankings: RankingInput[], opts: { method?: ConsensusMethod } = {}): Omit<ConsensusResult, "agreement"> {
  const requested = opts.method ?? "bradley-terry";
  rankings.forEach((r, k) => {
    const seen = new Set<string>();
    for (const id of r.order.flat()) {
      if (seen.has(id)) throw new Error(`ranking ${k} lists "${id}" more than once`);
      seen.add(id);
    }
  });
  const ids = [...new Set(rankings.flatMap((r) => r.order.flat()))].sort(compareIds);
  const index = new Map(ids.map((id, i) => [id, i]));
  // Groups sorted too, so the order of ids inside a tie group cannot change float sums.
  const indexed = rankings.map((r) => ({
    order: r.order.map((g) => g.map((id) => index.get(id)!).sort((a, b) => a - b)),
    weight: r.weight ?? 1,
  }));

  let method: ConsensusMethod = requested;
  let scoreList: number[] | null = null;
  if (requested === "bradley-terry" && rankings.length >= 2) {
    const comparisons = indexed.flatMap((r) => comparisonsFromRanking(r.order, r.weight));
    const fit = fitBradleyTerry(ids.length, comparisons);
    if (fit.converged) scoreList = fit.scores;
  }
  if (scoreList === null) {
    method = "borda";
    scoreList = bordaScores(ids.length, indexed);
  }

  const finalScores = scoreList;
  const key = finalScores.map((s) => Math.round(s * 1e9));
  const order = ids
    .map((id, i) => ({ id, i }))
    .sort((a, b) => key[b.i] - key[a.i] || compareIds(a.id, b.id))
    .map((x) => x.id);
  const scores: Record<string, number> = {};
  ids.forEach((id, i) => (scores[id] = finalScores[i]));

  return { order, scores, method, n: rankings.length };
}
