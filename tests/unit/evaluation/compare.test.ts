// Evaluation's pure parts against hand-worked cases: outcomes between versions from rankings, marks, "previous", metric keys.
import { describe, expect, it } from "vitest";
import { categoryMetricEntries, isCategoryMetric, readCategoryMetrics } from "@/lib/evaluation/category-metrics";
import { lossMark, previousVersions, versionOutcomes, winMark, winRatesBetween } from "@/lib/evaluation/compare";

describe("versionOutcomes", () => {
  it("pairs outputs of different versions only; a shared group or none-acceptable is a tie; unversioned outputs are skipped", () => {
    const versions = { a1: "A", a2: "A", b: "B", c: "C" };
    expect(versionOutcomes([{ category: "qa", order: [["a1"], ["b", "h"], ["a2", "c"]], noneAcceptable: false, versions }])).toEqual([
      { a: "A", b: "B", winner: "a", category: "qa" },
      { a: "A", b: "C", winner: "a", category: "qa" },
      { a: "B", b: "A", winner: "a", category: "qa" },
      { a: "B", b: "C", winner: "a", category: "qa" },
      { a: "A", b: "C", winner: "tie", category: "qa" },
    ]);
    expect(versionOutcomes([{ category: null, order: [["b"], ["c"]], noneAcceptable: true, versions }])).toEqual([{ a: "B", b: "C", winner: "tie", category: "(none)" }]);
  });
});

describe("marks", () => {
  it("a win rate is marked when its interval excludes 50% and it has 5 judgments", () => {
    expect(winMark(5, [50.1, 90])).toBe("improved");
    expect(winMark(5, [10, 49.9])).toBe("regressed");
    expect(winMark(5, [40, 60])).toBeNull();
    expect(winMark(4, [100, 100])).toBeNull();
    expect(winMark(10, null)).toBeNull();
  });
  it("a loss is marked beyond 1.96 standard errors of the difference", () => {
    // noise 1.96 · √(0.03² + 0.04²) = 1.96 · 0.05 = 0.098
    expect(lossMark({ loss: 1.9, se: 0.03 }, { loss: 2.0, se: 0.04 })).toBe("improved");
    expect(lossMark({ loss: 1.91, se: 0.03 }, { loss: 2.0, se: 0.04 })).toBeNull();
    expect(lossMark({ loss: 2.1, se: 0.03 }, { loss: 2.0, se: 0.04 })).toBe("regressed");
    expect(lossMark({ loss: 1.0, se: null }, { loss: 2.0, se: 0.04 })).toBeNull();
    expect(lossMark({ loss: 1.0, se: 0.1 }, null)).toBeNull();
  });
  it("win rates per category count ties half and ignore other pairs", () => {
    const os = [
      { a: "N", b: "O", winner: "a" as const, category: "x" },
      { a: "O", b: "N", winner: "a" as const, category: "x" },
      { a: "N", b: "O", winner: "tie" as const, category: "y" },
      { a: "N", b: "Z", winner: "a" as const, category: "y" },
    ];
    const r = winRatesBetween(os, "N", "O", "v1");
    expect([r.all.winRate, r.all.n, r.byCategory.x.winRate, r.byCategory.y.winRate, r.byCategory.y.n]).toEqual([50, 3, 50, 50, 1]);
  });
});

describe("previousVersions", () => {
  it("is the parent when it is a version, else the one registered before", () => {
    const t = (m: number) => new Date(Date.UTC(2026, 10, 30, 12, m));
    const vs = [
      { id: "v3", parentId: "v1", createdAt: t(3) },
      { id: "v1", parentId: null, createdAt: t(1) },
      { id: "v2", parentId: "gone", createdAt: t(2) },
    ];
    const prev = previousVersions(vs);
    expect([prev.get("v1"), prev.get("v2")?.id, prev.get("v3")?.id]).toEqual([null, "v1", "v1"]);
  });
});

describe("category metric keys", () => {
  it("round-trip, categories with '/' and '@' included; a one-row category has no standard error", () => {
    const entries = categoryMetricEntries({ "a/b@c": { loss: 1.5, perplexity: Math.exp(1.5), se: null, tokens: 12, examples: 1 }, coding: { loss: 2, perplexity: Math.exp(2), se: 0.1, tokens: 40, examples: 3 } });
    expect(entries["eval/loss@a/b@c"]).toBe(1.5);
    expect("eval/loss_se@a/b@c" in entries).toBe(false);
    expect(Object.keys(entries).every(isCategoryMetric)).toBe(true);
    expect(isCategoryMetric("eval/loss")).toBe(false);
    expect(readCategoryMetrics({ ...entries, "eval/loss": 1.9 })).toEqual({
      "a/b@c": { loss: 1.5, perplexity: Math.exp(1.5), se: null, tokens: 12, examples: 1 },
      coding: { loss: 2, perplexity: Math.exp(2), se: 0.1, tokens: 40, examples: 3 },
    });
  });
});
