// Routing's rule: rankings wanted and settled, for a fixed overlap (the old rule) and for a min–max range.
import { describe, expect, it } from "vitest";
import { checkOverlapRange, isSettled, overlapRange, wantedRankings } from "@/lib/rankings/routing";
import { rewardRanking } from "@/lib/rankings/consensus-state";

describe("routing", () => {
  it("reduces to the fixed overlap without a range: open below it, closed at it, settled only if they agree", () => {
    const r = overlapRange({ overlap: 3 });
    expect(r).toEqual({ min: 3, max: 3 });
    expect(wantedRankings({ rankingCount: 2, agreement: 1 }, r, 0.5)).toBe(3);
    expect(wantedRankings({ rankingCount: 3, agreement: 0.1 }, r, 0.5)).toBe(3);
    expect(isSettled({ rankingCount: 2, agreement: 1 }, r, 0.5)).toBe(false);
    expect(isSettled({ rankingCount: 3, agreement: 0.6 }, r, 0.5)).toBe(true);
    expect(isSettled({ rankingCount: 3, agreement: 0.4 }, r, 0.5)).toBe(false);
    expect(isSettled({ rankingCount: 1, agreement: null }, overlapRange({ overlap: 1 }), 0.5)).toBe(true);
  });

  it("stops at the minimum when annotators agree and goes to the maximum when they do not", () => {
    const r = overlapRange({ overlap: 3, minOverlap: 2, maxOverlap: 6 });
    expect(wantedRankings({ rankingCount: 0, agreement: null }, r, 0.5)).toBe(2);
    expect(wantedRankings({ rankingCount: 2, agreement: 0.9 }, r, 0.5)).toBe(2);
    expect(wantedRankings({ rankingCount: 2, agreement: 0.2 }, r, 0.5)).toBe(6);
    expect(wantedRankings({ rankingCount: 4, agreement: 0.5 }, r, 0.5)).toBe(4);
    // W undefined (every ranking ties everything) says nothing: keep collecting.
    expect(wantedRankings({ rankingCount: 2, agreement: null }, r, 0.5)).toBe(6);
    expect(isSettled({ rankingCount: 2, agreement: 0.9 }, r, 0.5)).toBe(true);
    expect(isSettled({ rankingCount: 6, agreement: 0.2 }, r, 0.5)).toBe(false);
    // A maximum below the minimum is refused by the settings check; here it is read as the minimum.
    expect(overlapRange({ overlap: 3, minOverlap: 4, maxOverlap: 2 })).toEqual({ min: 4, max: 4 });
  });

  it("from a minimum of 1 (the reward model counted as a ranking): one ranking settles only with a figure that passes", () => {
    const r = overlapRange({ overlap: 2, minOverlap: 1, maxOverlap: 4 });
    expect(wantedRankings({ rankingCount: 0, agreement: null }, r, 0.8)).toBe(1);
    expect(wantedRankings({ rankingCount: 1, agreement: 0.87 }, r, 0.8)).toBe(1);
    expect(isSettled({ rankingCount: 1, agreement: 0.87 }, r, 0.8)).toBe(true);
    expect(isSettled({ rankingCount: 1, agreement: 0.5 }, r, 0.8)).toBe(false);
    // no figure (the reward model has not scored the outputs): not settled, unlike a fixed overlap of 1
    expect(isSettled({ rankingCount: 1, agreement: null }, r, 0.8)).toBe(false);
    expect(wantedRankings({ rankingCount: 1, agreement: null }, r, 0.8)).toBe(4);
    expect(() => checkOverlapRange({ overlap: 2, minOverlap: 1, maxOverlap: 4 })).toThrow(/needs the reward model counted as a ranking/);
    expect(() => checkOverlapRange({ overlap: 2, minOverlap: 1, maxOverlap: 4, rewardAsRanking: true })).not.toThrow();
  });

  it("takes the reward model's order as a ranking only where it scored every output the people ranked", () => {
    expect(rewardRanking(["b", "a", "c"], [[["a"], ["b", "c"]]])).toEqual([["b"], ["a"], ["c"]]);
    expect(rewardRanking(["b", "a"], [[["a"], ["b"], ["c"]]])).toBeNull();
    expect(rewardRanking(undefined, [[["a"]]])).toBeNull();
    expect(rewardRanking([], [])).toBeNull();
  });
});
