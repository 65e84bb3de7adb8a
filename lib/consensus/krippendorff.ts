// Krippendorff's α with missing data, nominal and interval metrics (Krippendorff 2011, "Computing Krippendorff's Alpha-Reliability", §C).
//
// A unit is the list of values its coders gave (missing values left out). Values in a unit with m ≥ 2 values form
// m(m−1) ordered pairs, each counted 1/(m−1) in the coincidence matrix o; n = Σ o = the pairable values. Then
//   α = 1 − (n − 1) · Σ o_ck δ²(c,k) / Σ n_c n_k δ²(c,k)
// with n_c the row sums of o; δ² = [c ≠ k] (nominal) or (c − k)² (interval).

export type AlphaMetric = "nominal" | "interval";

/** α over `units`; null when it is undefined (fewer than two pairable values, or no variation at all: D_e = 0). */
export function krippendorffAlpha(units: Array<Array<number | string>>, metric: AlphaMetric): number | null {
  const index = new Map<string, number>();
  const values: Array<number | string> = [];
  const keyOf = (v: number | string) => `${typeof v}:${v}`;
  for (const u of units) for (const v of u) if (!index.has(keyOf(v))) { index.set(keyOf(v), values.length); values.push(v); }
  if (metric === "interval" && values.some((v) => typeof v !== "number" || !Number.isFinite(v))) throw new RangeError("interval α needs finite numbers");
  const V = values.length;
  const o = new Float64Array(V * V);
  for (const u of units) {
    const m = u.length;
    if (m < 2) continue;
    const ids = u.map((v) => index.get(keyOf(v))!);
    for (let i = 0; i < m; i++) for (let j = 0; j < m; j++) if (i !== j) o[ids[i] * V + ids[j]] += 1 / (m - 1);
  }
  const nc = new Float64Array(V);
  for (let c = 0; c < V; c++) for (let k = 0; k < V; k++) nc[c] += o[c * V + k];
  const n = nc.reduce((a, b) => a + b, 0);
  if (n < 2) return null;
  const delta2 = (c: number, k: number) => (metric === "nominal" ? (c === k ? 0 : 1) : ((values[c] as number) - (values[k] as number)) ** 2);
  let observed = 0;
  let expected = 0;
  for (let c = 0; c < V; c++) {
    for (let k = 0; k < V; k++) {
      if (c === k) continue;
      const d = delta2(c, k);
      observed += o[c * V + k] * d;
      expected += nc[c] * nc[k] * d;
    }
  }
  if (expected === 0) return null;
  return 1 - ((n - 1) * observed) / expected;
}
