// Kendall's W and tau-b against values worked by hand.
import { describe, expect, it } from "vitest";
import { kendallTauB, kendallW, meanKendallTauB } from "@/lib/consensus/agreement";
import { rankTiedOrder } from "@/lib/consensus/ranking";

const strict = (ids: string) => ids.split("").map((id) => [id]);

describe("rankTiedOrder", () => {
  it("gives tied items the average of the places they span", () => {
    // a takes place 1; b and c share places 2 and 3 → 2.5 each; d takes place 4.
    const ranks = rankTiedOrder([["a"], ["b", "c"], ["d"]]);
    expect(Object.fromEntries(ranks)).toEqual({ a: 1, b: 2.5, c: 2.5, d: 4 });
  });
  it("rejects an id listed twice", () => {
    expect(() => rankTiedOrder([["a"], ["a"]])).toThrow(/more than once/);
  });
});

describe("kendallW", () => {
  it("is 1 under perfect agreement", () => {
    // m=3, n=4, every rater 1,2,3,4 → R = 3,6,9,12, R̄ = 3·5/2 = 7.5
    // S = 4.5² + 1.5² + 1.5² + 4.5² = 45;  W = 12·45 / (9·(64−4)) = 540/540 = 1
    expect(kendallW([strict("abcd"), strict("abcd"), strict("abcd")])).toBeCloseTo(1, 12);
  });

  it("is 0 for two reversed rankings", () => {
    // R_i = i + (5 − i) = 5 for every item → S = 0 → W = 0
    expect(kendallW([strict("abcd"), strict("dcba")])).toBe(0);
  });

  it("matches a worked example without ties (m=3, n=4)", () => {
    // ranks      a b c d
    //  rater A   1 2 3 4
    //  rater B   2 1 3 4
    //  rater C   1 3 2 4
    //  R         4 6 8 12   R̄ = 7.5
    // S = 3.5² + 1.5² + 0.5² + 4.5² = 12.25 + 2.25 + 0.25 + 20.25 = 35
    // W = 12·35 / (3²·(4³−4)) = 420/540 = 7/9
    expect(kendallW([strict("abcd"), strict("bacd"), strict("acbd")])).toBeCloseTo(7 / 9, 12);
  });

  it("applies the tie correction", () => {
    // rater A ties b and c: ranks a=1, b=c=2.5, d=4; T_A = 2³−2 = 6. B and C: 1,2,3,4.
    // R = 3, 6.5, 8.5, 12, R̄ = 7.5;  S = 4.5² + 1² + 1² + 4.5² = 42.5
    // W = 12·42.5 / (9·60 − 3·6) = 510/522 = 85/87 ≈ 0.97701
    const w = kendallW([[["a"], ["b", "c"], ["d"]], strict("abcd"), strict("abcd")]);
    expect(w).toBeCloseTo(85 / 87, 12);
  });

  it("handles one rater who ties everything", () => {
    // A: a=b=c=2, T_A = 3³−3 = 24; B: 1,2,3. R = 3,4,5, R̄ = 4, S = 2
    // W = 12·2 / (2²·(27−3) − 2·24) = 24/48 = 0.5
    expect(kendallW([[["a", "b", "c"]], strict("abc")])).toBeCloseTo(0.5, 12);
  });

  it("works for n = 2", () => {
    // two raters say a>b, one b>a: R_a = 1+1+2 = 4, R_b = 5, R̄ = 4.5, S = 0.5
    // W = 12·0.5 / (9·(8−2)) = 6/54 = 1/9
    expect(kendallW([strict("ab"), strict("ab"), strict("ba")])).toBeCloseTo(1 / 9, 12);
  });

  it("is null when undefined: a single ranking, all rankings fully tied, < 2 common items", () => {
    expect(kendallW([strict("abc")])).toBeNull();
    expect(kendallW([])).toBeNull();
    expect(kendallW([[["a", "b", "c"]], [["c", "b", "a"]]])).toBeNull();
    expect(kendallW([strict("ab"), strict("bc")])).toBeNull();
  });

  it("uses only the items every ranking lists", () => {
    // common items {a, b}; both rank a above b → W = 1
    expect(kendallW([strict("axb"), strict("ayb")])).toBeCloseTo(1, 12);
  });
});

describe("kendallTauB", () => {
  it("is 1 for identical and −1 for reversed rankings", () => {
    expect(kendallTauB(strict("abcd"), strict("abcd"))).toBe(1);
    expect(kendallTauB(strict("abcd"), strict("dcba"))).toBe(-1);
  });

  it("matches a hand computation with a tie", () => {
    // a = x > y = z > w, b = x > y > z > w. Of the 6 pairs, y–z is tied in a only;
    // the other 5 are concordant. n0 = 6, n1 = 1, n2 = 0.
    // tau_b = (5 − 0) / sqrt((6−1)(6−0)) = 5/√30 ≈ 0.912871 (scipy.stats.kendalltau agrees)
    expect(kendallTauB([["x"], ["y", "z"], ["w"]], strict("xyzw"))).toBeCloseTo(5 / Math.sqrt(30), 12);
  });

  it("is null when a ranking ties everything or fewer than 2 items are shared", () => {
    expect(kendallTauB([["a", "b", "c"]], strict("abc"))).toBeNull();
    expect(kendallTauB(strict("ab"), strict("bc"))).toBeNull();
  });

  it("handles n = 2", () => {
    expect(kendallTauB(strict("ab"), strict("ab"))).toBe(1);
    expect(kendallTauB(strict("ab"), strict("ba"))).toBe(-1);
  });
});

describe("meanKendallTauB", () => {
  it("averages over pairs of rankings", () => {
    // pairs: (abc, abc) = 1, (abc, cba) = −1, (abc, cba) = −1 → mean −1/3
    expect(meanKendallTauB([strict("abc"), strict("abc"), strict("cba")])).toBeCloseTo(-1 / 3, 12);
  });
  it("is null for a single ranking", () => {
    expect(meanKendallTauB([strict("abc")])).toBeNull();
  });
});
