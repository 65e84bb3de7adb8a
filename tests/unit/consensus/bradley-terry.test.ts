// Bradley–Terry MM fit: closed-form two-item cases, ties, separation, and recovery from simulated games.
import { describe, expect, it } from "vitest";
import { comparisonsFromRanking, fitBradleyTerry, type Comparison } from "@/lib/consensus/bradley-terry";
import { bordaScores } from "@/lib/consensus/borda";

describe("fitBradleyTerry", () => {
  it("matches the closed form for two items", () => {
    // A beats B 3 times, B beats A once, no prior: MLE γA/γB = 3/1.
    // Mean-zero logs: ±ln(3)/2 ≈ ±0.549306
    const games: Comparison[] = [
      { winner: 0, loser: 1 },
      { winner: 0, loser: 1, weight: 2 },
      { winner: 1, loser: 0 },
    ];
    const fit = fitBradleyTerry(2, games, { prior: 0 });
    expect(fit.converged).toBe(true);
    expect(fit.scores[0]).toBeCloseTo(Math.log(3) / 2, 8);
    expect(fit.scores[1]).toBeCloseTo(-Math.log(3) / 2, 8);
  });

  it("counts a tie as half a win each way", () => {
    // A beats B twice, two ties: wins A = 2 + ½·2 = 3, B = ½·2 = 1, n_AB = 4 → γA/γB = 3
    const games: Comparison[] = [
      { winner: 0, loser: 1 },
      { winner: 0, loser: 1 },
      { winner: 0, loser: 1, tie: true },
      { winner: 1, loser: 0, tie: true },
    ];
    const fit = fitBradleyTerry(2, games, { prior: 0 });
    expect(fit.scores[0] - fit.scores[1]).toBeCloseTo(Math.log(3), 8);
  });

  it("gives equal scores to a cycle and to all-tie games", () => {
    // a>b, b>c, c>a: by symmetry every γ is equal → all scores 0
    const cycle = fitBradleyTerry(3, [
      { winner: 0, loser: 1 },
      { winner: 1, loser: 2 },
      { winner: 2, loser: 0 },
    ]);
    for (const s of cycle.scores) expect(s).toBeCloseTo(0, 8);
    const ties = fitBradleyTerry(3, comparisonsFromRanking([[0, 1, 2]]));
    for (const s of ties.scores) expect(s).toBeCloseTo(0, 8);
  });

  it("keeps perfect separation finite thanks to the prior", () => {
    const games = Array.from({ length: 5 }, () => ({ winner: 0, loser: 1 }));
    const fit = fitBradleyTerry(2, games);
    expect(fit.converged).toBe(true);
    expect(fit.scores.every(Number.isFinite)).toBe(true);
    expect(fit.scores[0]).toBeGreaterThan(fit.scores[1]);
    // The virtual item (γ = 1) is invariant under γ → 1/γ, so the fit is symmetric: γ0 = g,
    // γ1 = 1/g. Item 0's MM fixed point: wins 5 + 0.1 = 5g/(g + 1/g) + 0.2g/(g + 1)
    // (expected wins against B and against the virtual item). Solve for g by bisection.
    const f = (g: number) => (5 * g * g) / (g * g + 1) + (0.2 * g) / (g + 1) - 5.1;
    let lo = 1;
    let hi = 1e6;
    for (let k = 0; k < 200; k++) {
      const mid = (lo + hi) / 2;
      if (f(mid) < 0) lo = mid;
      else hi = mid;
    }
    expect(fit.scores[0]).toBeCloseTo(Math.log(lo), 6);
    expect(fit.scores[1]).toBeCloseTo(-Math.log(lo), 6);
  });

  it("recovers a known order and strengths from many simulated comparisons", () => {
    const truth = [-1.5, -0.9, -0.3, 0.3, 0.9, 1.5];
    const rand = mulberry32(42);
    const games: Comparison[] = [];
    for (let k = 0; k < 6000; k++) {
      const i = Math.floor(rand() * 6);
      let j = Math.floor(rand() * 5);
      if (j >= i) j++;
      const pWin = 1 / (1 + Math.exp(truth[j] - truth[i]));
      games.push(rand() < pWin ? { winner: i, loser: j } : { winner: j, loser: i });
    }
    const fit = fitBradleyTerry(6, games);
    expect(fit.converged).toBe(true);
    const order = fit.scores.map((s, i) => [s, i]).sort((a, b) => b[0] - a[0]).map((x) => x[1]);
    expect(order).toEqual([5, 4, 3, 2, 1, 0]);
    fit.scores.forEach((s, i) => expect(Math.abs(s - truth[i])).toBeLessThan(0.15));
    expect(fit.scores.reduce((a, b) => a + b, 0)).toBeCloseTo(0, 9);
  });

  it("reaches MM's fixed point by Newton's method, in a few steps", () => {
    const rand = mulberry32(7);
    const games: Comparison[] = Array.from({ length: 40 }, () => {
      const i = Math.floor(rand() * 5);
      const j = (i + 1 + Math.floor(rand() * 4)) % 5;
      return { winner: i, loser: j, weight: 0.5 + rand(), tie: rand() < 0.1 };
    });
    const newton = fitBradleyTerry(5, games);
    // 35 extra items with no games push the fit past Newton's size limit onto MM; they do not
    // move the five real items' strengths relative to each other.
    const mm = fitBradleyTerry(40, games);
    expect(newton.converged && mm.converged).toBe(true);
    for (let i = 1; i < 5; i++) expect(newton.scores[i] - newton.scores[0]).toBeCloseTo(mm.scores[i] - mm.scores[0], 7);
    // A unanimous prompt (three identical rankings of four): MM crawls, Newton does not.
    const unanimous = [0, 1, 2].flatMap(() => comparisonsFromRanking([[0], [1], [2], [3]]));
    expect(fitBradleyTerry(4, unanimous).iterations).toBeLessThan(30);
  });

  it("is deterministic", () => {
    const games = comparisonsFromRanking([[2], [0, 1], [3]]).concat(comparisonsFromRanking([[0], [2], [3, 1]]));
    expect(fitBradleyTerry(4, games)).toEqual(fitBradleyTerry(4, games));
  });

  it("validates its input", () => {
    expect(() => fitBradleyTerry(2, [{ winner: 0, loser: 2 }])).toThrow(/loser 2/);
    expect(() => fitBradleyTerry(2, [{ winner: 1, loser: 1 }])).toThrow(/itself/);
    expect(() => fitBradleyTerry(2, [{ winner: 0, loser: 1, weight: -1 }])).toThrow(/weight/);
    expect(fitBradleyTerry(0, [])).toEqual({ scores: [], iterations: 0, converged: true });
  });
});

describe("comparisonsFromRanking", () => {
  it("breaks a tied ranking into all its pairs", () => {
    // 0 > 1 = 2 > 3: tie 1–2, and 0>1, 0>2, 0>3, 1>3, 2>3 → 6 pairs = 4·3/2
    const pairs = comparisonsFromRanking([[0], [1, 2], [3]], 2);
    expect(pairs).toEqual([
      { winner: 0, loser: 1, weight: 2 },
      { winner: 0, loser: 2, weight: 2 },
      { winner: 0, loser: 3, weight: 2 },
      { winner: 1, loser: 2, weight: 2, tie: true },
      { winner: 1, loser: 3, weight: 2 },
      { winner: 2, loser: 3, weight: 2 },
    ]);
  });
});

describe("bordaScores", () => {
  it("shares points among tied items", () => {
    // 0 > 1 = 2 > 3: points = items below + ½·others tied: 3, 1.5, 1.5, 0 (sum 6 = 4·3/2)
    expect(bordaScores(4, [{ order: [[0], [1, 2], [3]] }])).toEqual([3, 1.5, 1.5, 0]);
  });
  it("sums weighted rankings", () => {
    // 2·(2,1,0) + 1·(0,1,2) = (4,3,2)
    expect(bordaScores(3, [{ order: [[0], [1], [2]], weight: 2 }, { order: [[2], [1], [0]] }])).toEqual([4, 3, 2]);
  });
});

// Small seeded PRNG so the simulation is the same on every run.
function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
