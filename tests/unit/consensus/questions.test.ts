// Per-question consensus: statistics checked against values worked by hand and the Krippendorff (2011) example.
import { describe, expect, it } from "vitest";
import type { Answers, Question } from "@/db/schema/questions";
import { questionAlpha, questionConsensus } from "@/lib/consensus/questions";

const rating: Question = { id: "q", type: "rating", title: "Rate", required: true, min: 1, max: 5, criteria: [{ name: "helpfulness" }, { name: "honesty" }] };
const label: Question = { id: "l", type: "label", title: "Topic", required: true, options: ["a", "b", "c", "d", "e"], multiple: false };
const pairwise: Question = { id: "p", type: "pairwise", title: "Strength", required: true };

describe("question consensus", () => {
  it("rates by mean and median per output and criterion, overall as the mean of criterion means", () => {
    const answers: Answers[] = [
      { q: { x: { helpfulness: 5, honesty: 4 }, y: { helpfulness: 2, honesty: 2 } } },
      { q: { x: { helpfulness: 4, honesty: 4 }, y: { helpfulness: 1, honesty: 3 } } },
      { q: { x: { helpfulness: 4 } } },
    ];
    const c = questionConsensus(rating, answers);
    if (c.type !== "rating") throw new Error(c.type);
    expect(c.byOutput.x.helpfulness).toEqual({ mean: 13 / 3, median: 4, n: 3 });
    expect(c.byOutput.y.honesty).toEqual({ mean: 2.5, median: 2.5, n: 2 });
    expect(c.overall.x).toBeCloseTo((13 / 3 + 4) / 2, 12);
    expect(c.overall.y).toBeCloseTo((1.5 + 2.5) / 2, 12);
  });

  it("label α across prompts is the paper's nominal 0.743 when each prompt is one of its units", () => {
    const table: Array<Array<number | null>> = [
      [1, 2, 3, 3, 2, 1, 4, 1, 2, null, null, null],
      [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, null, 3],
      [null, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, null],
      [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, null],
    ];
    const prompts: Answers[][] = table[0].map((_, u) => table.map((row) => row[u]).filter((v): v is number => v !== null).map((v) => ({ l: ["abcde"[v - 1]] })));
    expect(questionAlpha(label, prompts)).toBeCloseTo(0.743, 3);
    // and rating α on the same numbers, one criterion of one output per prompt: the paper's interval 0.849
    const one: Question = { ...rating, criteria: [{ name: "helpfulness" }] };
    const rated: Answers[][] = table[0].map((_, u) => table.map((row) => row[u]).filter((v): v is number => v !== null).map((v) => ({ q: { [`p${u}`]: { helpfulness: v } } })));
    expect(questionAlpha(one, rated)).toBeCloseTo(0.849, 3);
  });

  it("majority label: the most chosen option, ties kept", () => {
    const c = questionConsensus(label, [{ l: ["a"] }, { l: ["b"] }, { l: ["a"] }, { l: ["b"] }, { l: ["c"] }]);
    if (c.type !== "label") throw new Error(c.type);
    expect(c.majority).toEqual(["a", "b"]);
    expect(c.counts).toMatchObject({ a: 2, b: 2, c: 1, d: 0 });
  });

  it("strength: a Bradley–Terry margin, oriented by id whichever side the annotator saw as A", () => {
    // two say x ≫ y (one of them saw y as A), one says y > x: x has 4 wins and y 1; with the 0.1 prior against a
    // virtual item and two items, θx − θy solves the likelihood equations (checked below), and is positive.
    const c = questionConsensus(pairwise, [{ p: { a: "x", b: "y", strength: 2 } }, { p: { a: "y", b: "x", strength: -2 } }, { p: { a: "x", b: "y", strength: -1 } }]);
    if (c.type !== "pairwise") throw new Error(c.type);
    const [pair] = c.pairs;
    expect(pair).toMatchObject({ a: "x", b: "y", n: 3, meanStrength: 1 });
    // score equation for x: wins W = 4 + 0.1 = Σ expected wins = 5·σ(d) + 0.2·σ(θx), θy = −θx, d = 2θx
    const tx = pair.margin / 2;
    const sig = (z: number) => 1 / (1 + Math.exp(-z));
    expect(5 * sig(pair.margin) + 0.2 * sig(tx)).toBeCloseTo(4.1, 6);
    expect(pair.margin).toBeGreaterThan(0);
  });
});
