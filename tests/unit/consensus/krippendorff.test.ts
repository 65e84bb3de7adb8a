// Krippendorff's α against the worked example of Krippendorff (2011), "Computing Krippendorff's Alpha-Reliability", §C.
import { describe, expect, it } from "vitest";
import { krippendorffAlpha } from "@/lib/consensus/krippendorff";

// The paper's reliability data: 4 observers (rows) × 12 units (columns), values 1–5, null = missing.
const table: Array<Array<number | null>> = [
  [1, 2, 3, 3, 2, 1, 4, 1, 2, null, null, null],
  [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, null, 3],
  [null, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, null],
  [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, null],
];
const units = table[0].map((_, u) => table.map((row) => row[u]).filter((v): v is number => v !== null));

describe("Krippendorff's alpha", () => {
  it("reproduces the paper's nominal α = 0.743", () => {
    expect(krippendorffAlpha(units, "nominal")).toBeCloseTo(0.743, 3);
  });
  it("reproduces the paper's interval α = 0.849", () => {
    expect(krippendorffAlpha(units, "interval")).toBeCloseTo(0.849, 3);
  });
  it("reads strings as nominal categories like numbers", () => {
    const named = units.map((u) => u.map((v) => "abcde"[v - 1]));
    expect(krippendorffAlpha(named, "nominal")).toBeCloseTo(0.743, 3);
  });
  it("is 1 for perfect agreement and undefined without variation or pairable values", () => {
    expect(krippendorffAlpha([[1, 1], [2, 2, 2], [3, 3]], "interval")).toBe(1);
    expect(krippendorffAlpha([[1, 1], [1, 1]], "nominal")).toBeNull();
    expect(krippendorffAlpha([[1], [2]], "nominal")).toBeNull();
  });
  it("is below zero when coders disagree more than chance", () => {
    expect(krippendorffAlpha([[1, 2], [2, 1], [1, 2]], "nominal")!).toBeLessThan(0);
  });
});
