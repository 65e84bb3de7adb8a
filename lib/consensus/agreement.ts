// Inter-annotator agreement over tied rankings: Kendall's W (with tie correction) and Kendall's tau-b.
import { rankTiedOrder, restrictTiedOrder, type TiedOrder } from "./ranking";

/**
 * Kendall's coefficient of concordance W for m rankings of the same n items, corrected for
 * ties (Kendall & Babington Smith 1939; Siegel & Castellan 1988, §9.4):
 *
 *   Ri = Σ_raters rank of i (average ranks for ties),   S = Σi (Ri − m(n+1)/2)²
 *   W  = 12 S / (m²(n³ − n) − m Σ_raters Σ_groups (t³ − t))
 *
 * 1 = every ranking identical, 0 = no concordance (e.g. two exactly reversed rankings).
 * Only items present in every ranking count (W compares rank sums, which needs a common item
 * set). Returns null when W is undefined: fewer than 2 rankings (one rater always "agrees"
 * with itself, so a number would mislead), fewer than 2 common items, or every ranking ties
 * every item (the denominator is 0: no ranking says anything). Rankings are unweighted.
 */
export function kendallW<T>(rankings: TiedOrder<T>[]): number | null {
  const m = rankings.length;
  if (m < 2) return null;
  const common = commonItems(rankings);
  const n = common.size;
  if (n < 2) return null;

  const rankSums = new Map<T, number>();
  for (const id of common) rankSums.set(id, 0);
  let tieCorrection = 0;
  for (const order of rankings) {
    const restricted = restrictTiedOrder(order, common);
    for (const group of restricted) tieCorrection += group.length ** 3 - group.length;
    for (const [id, rank] of rankTiedOrder(restricted)) rankSums.set(id, rankSums.get(id)! + rank);
  }
  const meanSum = (m * (n + 1)) / 2;
  let s = 0;
  for (const r of rankSums.values()) s += (r - meanSum) ** 2;
  const denom = m * m * (n ** 3 - n) - m * tieCorrection;
  if (denom <= 0) return null;
  return clamp((12 * s) / denom, 0, 1);
}

/**
 * Kendall's tau-b between two tied rankings, over the items both list:
 *
 *   tau_b = (nc − nd) / sqrt((n0 − n1)(n0 − n2)),  n0 = n(n−1)/2
 *
 * nc/nd = concordant/discordant pairs, n1/n2 = pairs tied in a / in b (pairs tied in both
 * count in both). Ranges −1 (reversed) … 1 (identical). Null when fewer than 2 common items
 * or either ranking ties all of them (the denominator is 0). Use it to score an annotator's
 * ranking against a gold order. O(n²), fine for the K ≤ a few dozen of a ranking task.
 */
export function kendallTauB<T>(a: TiedOrder<T>, b: TiedOrder<T>): number | null {
  const ra = rankTiedOrder(a);
  const rb = rankTiedOrder(b);
  const items = [...ra.keys()].filter((id) => rb.has(id));
  const n = items.length;
  if (n < 2) return null;
  let concordant = 0;
  let discordant = 0;
  let tiedA = 0;
  let tiedB = 0;
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      const da = Math.sign(ra.get(items[i])! - ra.get(items[j])!);
      const db = Math.sign(rb.get(items[i])! - rb.get(items[j])!);
      if (da === 0) tiedA++;
      if (db === 0) tiedB++;
      if (da !== 0 && db !== 0) {
        if (da === db) concordant++;
        else discordant++;
      }
    }
  }
  const n0 = (n * (n - 1)) / 2;
  const denom = Math.sqrt((n0 - tiedA) * (n0 - tiedB));
  if (denom === 0) return null;
  return clamp((concordant - discordant) / denom, -1, 1);
}

/**
 * Mean of tau-b over all pairs of rankings, skipping pairs where it is undefined. Null with
 * fewer than 2 rankings or when no pair has a defined tau-b.
 */
export function meanKendallTauB<T>(rankings: TiedOrder<T>[]): number | null {
  let sum = 0;
  let count = 0;
  for (let i = 0; i < rankings.length; i++) {
    for (let j = i + 1; j < rankings.length; j++) {
      const tau = kendallTauB(rankings[i], rankings[j]);
      if (tau === null) continue;
      sum += tau;
      count++;
    }
  }
  return count ? sum / count : null;
}

function commonItems<T>(rankings: TiedOrder<T>[]): Set<T> {
  let common = new Set(rankings[0].flat());
  for (const order of rankings.slice(1)) {
    const here = new Set(order.flat());
    common = new Set([...common].filter((id) => here.has(id)));
  }
  return common;
}

// Guards against 1.0000000000000002 from floating-point sums.
function clamp(x: number, lo: number, hi: number): number {
  return Math.min(hi, Math.max(lo, x));
}
