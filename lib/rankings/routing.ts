// Routing: how many rankings a prompt wants, from its agreement so far, between the project's minOverlap and maxOverlap.
//
// A prompt first collects minOverlap rankings. If its annotators then agree (Kendall's W at or above the
// project's agreement threshold) it stops there and settles; if they disagree (or W is undefined: every
// ranking ties everything) it stays open, one more ranking at a time, until maxOverlap, where it closes
// unsettled and goes to the review queue. With rating, label or strength questions on the form, "agreement" is
// min(W, the form's agreement on those answers): lib/consensus/question-agreement.ts states the rule. A project without minOverlap/maxOverlap has one fixed overlap:
// min = max = overlap, which is the old rule exactly (open below the overlap, closed at it, settled if W passes).
// The reward model's margin between the top outputs, the second signal, enters through the same figure: a
// prompt whose top two outputs the active reward model cannot separate (|margin| < rewardMarginThreshold) has agreement
// 0 (lib/consensus/question-agreement.ts routingAgreement).
// With settings.rewardAsRanking the active reward model's order of the outputs is one more ranking in the consensus and in
// the routing signal (never in the ranking count), so minOverlap may be 1: one person who orders the outputs as the reward
// model does can settle a prompt alone (lib/rankings/consensus-state.ts).
// With settings.routingSignal "confidence", the mean pairwise confidence (lib/consensus/pairwise-confidence.ts) takes
// W's place in that figure (lib/rankings/consensus-state.ts); the rule here is unchanged.
// Benchmark: `npm run bench -- routing` (tests/bench/routing.ts) simulates both signals on AlpacaEval's judgments.

import type { ProjectSettings } from "@/db/schema";
import { AppError } from "@/lib/errors";

export type OverlapRange = { min: number; max: number };

/** The project's range of rankings per prompt; a fixed overlap is the range [overlap, overlap]. */
export function overlapRange(settings: Pick<ProjectSettings, "overlap" | "minOverlap" | "maxOverlap">): OverlapRange {
  const min = settings.minOverlap ?? settings.overlap;
  const max = settings.maxOverlap ?? settings.overlap;
  return { min, max: Math.max(min, max) };
}

/**
 * Rankings this prompt wants in all: minOverlap until it has them; then as many as it has (closed) once they agree,
 * else maxOverlap. The SQL in db/queries/assignments.ts (wantedRankingsSql) states the same rule for the queue.
 */
export function wantedRankings(state: { rankingCount: number; agreement: number | null }, range: OverlapRange, agreementThreshold: number): number {
  if (state.rankingCount < range.min) return range.min;
  if (state.agreement !== null && state.agreement >= agreementThreshold) return state.rankingCount;
  return range.max;
}

/**
 * Settled: at least minOverlap rankings that agree. A fixed overlap of 1 settles on its one ranking alone; a range from 1
 * (the reward model counted as a ranking) waits for an agreement figure, so a prompt the reward model has not scored yet
 * goes on to a second person.
 */
export function isSettled(state: { rankingCount: number; agreement: number | null }, range: OverlapRange, agreementThreshold: number): boolean {
  if (state.rankingCount < range.min) return false;
  return state.agreement === null ? state.rankingCount === 1 && range.max === 1 : state.agreement >= agreementThreshold;
}

/** A project's routing settings, checked together (each field alone is checked by its zod schema). */
export function checkOverlapRange(settings: Pick<ProjectSettings, "overlap" | "minOverlap" | "maxOverlap" | "rewardAsRanking">) {
  const { minOverlap, maxOverlap } = settings;
  if (minOverlap === 1 && !settings.rewardAsRanking) {
    throw new AppError("bad_request:project", "minOverlap 1 needs the reward model counted as a ranking (rewardAsRanking): one ranking alone has no agreement to route on.", { minOverlap: ["Minimum rankings per prompt is at least 2, or 1 when the reward model counts as a ranking"] });
  }
  if ((minOverlap === undefined) !== (maxOverlap === undefined)) {
    const missing = minOverlap === undefined ? "minOverlap" : "maxOverlap";
    throw new AppError("bad_request:project", "Routing needs both minOverlap and maxOverlap.", { [missing]: ["Give both minimum and maximum rankings per prompt, or neither"] });
  }
  if (minOverlap !== undefined && maxOverlap !== undefined && minOverlap > maxOverlap) {
    throw new AppError("bad_request:project", `minOverlap ${minOverlap} is above maxOverlap ${maxOverlap}.`, { maxOverlap: [`Maximum rankings per prompt must be at least the minimum (${minOverlap})`] });
  }
}
