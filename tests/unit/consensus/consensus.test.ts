// consensusOrder: method choice, fallback, ties, tie-breaking and the agreement figures.
import { describe, expect, it } from "vitest";
import { consensusOrder, kendallTauB } from "@/lib/consensus/consensus";

const strict = (ids: string) => ids.split("").map((id) => [id]);

describe("consensusOrder", () => {
  it("uses Bradley–Terry by default and orders by strength", () => {
    // two annotators a>b>c, one b>a>c: a wins 2 of 3 against b, c loses everything
    const r = consensusOrder([{ order: strict("abc") }, { order: strict("abc") }, { order: strict("bac") }]);
    expect(r.method).toBe("bradley-terry");
    expect(r.order).toEqual(["a", "b", "c"]);
    expect(r.n).toBe(3);
    expect(r.scores.a).toBeGreaterThan(r.scores.b);
    expect(r.scores.a + r.scores.b + r.scores.c).toBeCloseTo(0, 9);
    // W: R = a 1+1+2 = 4, b 2+2+1 = 5, c 9; R̄ = 6; S = 4+1+9 = 14; W = 12·14/(9·24) = 7/9
    expect(r.agreement.kendallW).toBeCloseTo(7 / 9, 12);
    // tau: (1, 1/3, 1/3) over the 3 pairs → mean 5/9 (abc vs bac: 2 concordant, 1 discordant → 1/3)
    expect(r.agreement.meanTauB).toBeCloseTo(5 / 9, 12);
  });

  it("computes Borda when asked", () => {
    // points a: 2+2+1 = 5, b: 1+1+2 = 4, c: 0
    const r = consensusOrder([{ order: strict("abc") }, { order: strict("abc") }, { order: strict("bac") }], {
      method: "borda",
    });
    expect(r.method).toBe("borda");
    expect(r.scores).toEqual({ a: 5, b: 4, c: 0 });
    expect(r.order).toEqual(["a", "b", "c"]);
  });

  it("falls back to Borda for a single ranking, with agreement undefined", () => {
    const r = consensusOrder([{ order: [["x"], ["z", "y"], ["w"]] }]);
    expect(r.method).toBe("borda");
    // points x 3, y = z 1.5, w 0; the tie y = z is broken by id
    expect(r.order).toEqual(["x", "y", "z", "w"]);
    expect(r.agreement).toEqual({ kendallW: null, meanTauB: null });
  });

  it("breaks exact ties by id for complete disagreement", () => {
    const r = consensusOrder([{ order: strict("dcba") }, { order: strict("abcd") }]);
    expect(r.order).toEqual(["a", "b", "c", "d"]);
    expect(r.agreement.kendallW).toBe(0);
    expect(r.agreement.meanTauB).toBe(-1);
    for (const s of Object.values(r.scores)) expect(s).toBeCloseTo(0, 9);
  });

  it("reports perfect agreement", () => {
    const r = consensusOrder([{ order: strict("cab") }, { order: strict("cab") }]);
    expect(r.order).toEqual(["c", "a", "b"]);
    expect(r.agreement).toEqual({ kendallW: 1, meanTauB: 1 });
  });

  it("respects ties and weights", () => {
    // heavy annotator: q > p; two light ones: p = q. The tie rankings split evenly, so q leads.
    const r = consensusOrder([
      { order: [["p", "q"], ["r"]], weight: 1 },
      { order: [["p", "q"], ["r"]], weight: 1 },
      { order: [["q"], ["p"], ["r"]], weight: 3 },
    ]);
    expect(r.order).toEqual(["q", "p", "r"]);
  });

  it("handles all-tied rankings", () => {
    const r = consensusOrder([{ order: [["b", "a"]] }, { order: [["a", "b"]] }]);
    expect(r.order).toEqual(["a", "b"]);
    expect(r.agreement).toEqual({ kendallW: null, meanTauB: null });
  });

  it("is deterministic whatever the input order of ids", () => {
    const a = consensusOrder([{ order: [["b", "a"], ["c"]] }, { order: strict("cab") }]);
    const b = consensusOrder([{ order: [["a", "b"], ["c"]] }, { order: strict("cab") }]);
    expect(a).toEqual(b);
  });

  it("handles no rankings and rejects an id listed twice", () => {
    expect(consensusOrder([])).toEqual({
      order: [],
      scores: {},
      method: "borda",
      agreement: { kendallW: null, meanTauB: null },
      n: 0,
    });
    expect(() => consensusOrder([{ order: [["a"], ["a"]] }])).toThrow(/more than once/);
  });

  it("re-exports kendallTauB for gold scoring", () => {
    expect(kendallTauB(strict("abc"), strict("acb"))).toBeCloseTo(1 / 3, 12);
  });
});
