// Pairwise confidence (lib/consensus/pairwise-confidence.ts) against closed forms: under a uniform prior (a = 1) the
// posterior after w wins and l losses is Beta(w + 1, l + 1), whose mass above ½ after w wins and no loss is 1 − ½^(w+1).
import { describe, expect, it } from "vitest";
import { PAIR_PRIOR, pairConfidence, pairwiseConfidence } from "@/lib/consensus/pairwise-confidence";

describe("pairwise confidence", () => {
  it("the prior is the Beta(a, a) whose two-annotator agreement (a + 1)/(2a + 1) is 65.7%", () => {
    expect((PAIR_PRIOR + 1) / (2 * PAIR_PRIOR + 1)).toBeCloseTo(0.657, 10);
    expect(PAIR_PRIOR).toBeCloseTo(1.092, 3);
  });

  it("matches the closed form under a uniform prior, is ½ for a tie and grows with the lead", () => {
    for (const w of [1, 2, 3, 5]) expect(pairConfidence(w, 0, 1)).toBeCloseTo(1 - 0.5 ** (w + 1), 4);
    // Beta(3, 2): P(q > ½) = 11/16.
    expect(pairConfidence(2, 1, 1)).toBeCloseTo(11 / 16, 4);
    expect(pairConfidence(3, 3)).toBe(0.5);
    expect(pairConfidence(0, 2)).toBeCloseTo(pairConfidence(2, 0), 12);
    expect(pairConfidence(3, 1)).toBeGreaterThan(pairConfidence(2, 1));
    expect(pairConfidence(40, 38)).toBeLessThan(pairConfidence(4, 2));
    expect(pairConfidence(200, 0)).toBeCloseTo(1, 6);
  });

  it("averages over the outputs every ranking orders; ties count half each way", () => {
    expect(pairwiseConfidence([])).toBeNull();
    expect(pairwiseConfidence([[["a"]]])).toBeNull();
    const same = [[["a"], ["b"], ["c"]], [["a"], ["b"], ["c"]]];
    expect(pairwiseConfidence(same, 1)).toBeCloseTo(1 - 0.5 ** 3, 4);
    // Reversed: every pair 1–1.
    expect(pairwiseConfidence([[["a"], ["b"]], [["b"], ["a"]]])).toBe(0.5);
    // A tie and a win: a over b 1.5 to 0.5, as the midpoint rule gives it.
    expect(pairwiseConfidence([[["a", "b"]], [["a"], ["b"]]], 1)).toBeCloseTo(pairConfidence(1.5, 0.5, 1), 12);
    expect(pairConfidence(1.5, 0.5, 1)).toBeGreaterThan(0.5);
    // "d" is not in every ranking: only a, b, c count.
    expect(pairwiseConfidence([[["a"], ["b"], ["c"], ["d"]], [["a"], ["b"], ["c"]]], 1)).toBeCloseTo(1 - 0.5 ** 3, 4);
  });
});
