// The value of more rankings (tests/bench/routing.ts's voi* rules): how much a prompt's consensus is expected to gain from further rankings.
//
// For outputs i and j, q is the chance that an annotator puts i above j; across the prompt's rankings i was above j
// w times and below l times (a tie counts half to each). With a prior on q the posterior after (w, l) says how likely
// the majority order is right, c(w, l) (lib/consensus/pairwise-confidence.ts). m more rankings add x votes for i
// and m − x against, x drawn from the posterior predictive; the majority is then right with chance c(w + x, l + m − x).
// The expected gain G(w, l, m) = E[c(w + x, l + m − x)] − c(w, l) is the value of information of m more votes on that
// pair; a prompt's G(m) is its mean over the prompt's pairs: the expected rise in the share of pairs its consensus
// orders right. The figure a prompt stops on is the best gain per ranking over the horizons still open,
//   v = max over m = 1..remaining of G(m) / m,
// (one vote on a pair that is one ahead can only tie it, so one step alone undervalues it; the best horizon fixes that).
// A prompt stops when v falls below a price per ranking. v is small both when the pairs are clear (more votes
// cannot change the majority) and when they are near-ties whose posterior has settled near ½ (more votes move it
// little): the two cases a threshold on confidence alone cannot tell from the prompts more rankings would fix.
//
// The prior is what could tell a near-tie (more votes move it little) from a pair a few more votes would settle. Three
// are measured: Beta(a, a) with the agreement-calibrated a ≈ 1.09 (pairwise-confidence.ts's); a logit-normal one,
// q = σ(z), z ~ N(0, s²), with s ≈ 1.60 set by the same 65.7% agreement (Dubois et al. 2023); and, as a reference the
// app could never have, the simulation's own distribution of true pair probabilities (gridPrior). The first two are
// nearly the same shape; the third puts far more mass near ½, so a split such as 5-4 is worth much less under it.
//
// Bench only: this rule did not beat pairwise confidence in tests/bench/routing.ts (11.7% against 11.4% at overlap 5, with
// any of the three priors), so the app does not use it.
import { HUMAN_PAIR_AGREEMENT, PAIR_PRIOR } from "@/lib/consensus/pairwise-confidence";
import type { TiedOrder } from "@/lib/consensus/ranking";

export type PairPriorKind = "beta" | "logitNormal";
/** A prior given as a log density over the grid of q (see gridPrior); name keys the memo. */
export type PairPrior = PairPriorKind | { name: string; logDensity: number[] };

const STEPS = 400;
const grid = Array.from({ length: STEPS }, (_, k) => (k + 0.5) / STEPS);
const sigmoid = (z: number) => 1 / (1 + Math.exp(-z));

/** s for the logit-normal prior: E[q² + (1 − q)²] = agreement under z ~ N(0, s²) (bisection; Gauss–Hermite-free midpoint sum over z). */
function logitNormalSd(agreement: number): number {
  const agreeAt = (s: number) => {
    let num = 0;
    let den = 0;
    for (let k = -400; k <= 400; k++) {
      const t = k / 80; // standard normal from -5 to 5
      const d = Math.exp(-t * t / 2);
      const q = sigmoid(s * t);
      num += d * (q * q + (1 - q) * (1 - q));
      den += d;
    }
    return num / den;
  };
  let [lo, hi] = [1e-3, 50];
  for (let it = 0; it < 80; it++) {
    const mid = (lo + hi) / 2;
    if (agreeAt(mid) < agreement) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}

export const LOGIT_NORMAL_SD = logitNormalSd(HUMAN_PAIR_AGREEMENT);

/**
 * A prior from samples of q (e.g. a simulation's true pair probabilities): a histogram over the grid, smoothed with a
 * Gaussian kernel of width 0.02 and symmetrized (i above j and j above i are the same pair).
 */
export function gridPrior(name: string, samples: number[]): PairPrior {
  const d = grid.map((q) => {
    let s = 0;
    for (const x of samples) s += Math.exp(-((q - x) ** 2) / (2 * 0.02 ** 2)) + Math.exp(-((q - (1 - x)) ** 2) / (2 * 0.02 ** 2));
    return s;
  });
  const top = Math.max(...d);
  return { name, logDensity: d.map((x) => Math.log(x / top + 1e-12)) };
}

const priors = new Map<PairPriorKind, number[]>();
/** Log prior density over the grid of q. */
function logPrior(prior: PairPrior): number[] {
  if (typeof prior !== "string") return prior.logDensity;
  const kind = prior;
  const hit = priors.get(kind);
  if (hit) return hit;
  const s = LOGIT_NORMAL_SD;
  const v =
    kind === "beta"
      ? grid.map((q) => (PAIR_PRIOR - 1) * (Math.log(q) + Math.log(1 - q)))
      : // density of q = σ(z), z ~ N(0, s²): φ(logit q / s) / (q (1 − q))
        grid.map((q) => {
          const z = Math.log(q / (1 - q));
          return -(z * z) / (2 * s * s) - Math.log(q) - Math.log(1 - q);
        });
  priors.set(kind, v);
  return v;
}

/** Normalized posterior weights over the grid after w votes for i and l against. */
function posterior(w: number, l: number, kind: PairPrior): number[] {
  const lp = logPrior(kind);
  const logs = grid.map((q, k) => lp[k] + w * Math.log(q) + l * Math.log(1 - q));
  const top = Math.max(...logs);
  const d = logs.map((v) => Math.exp(v - top));
  const all = d.reduce((s, x) => s + x, 0);
  return d.map((x) => x / all);
}

/** c(w, l) under the prior: the chance the majority order is right (½ on a tie). */
function confidence(post: number[]): number {
  let above = 0;
  for (let k = STEPS / 2; k < STEPS; k++) above += post[k];
  return Math.max(above, 1 - above);
}

const memo = new Map<string, number>();

/** G(w, l, m): the expected rise in the chance that the pair's majority order is right after m more votes. */
export function pairGain(w: number, l: number, m: number, kind: PairPrior = "logitNormal"): number {
  if (m <= 0) return 0;
  const key = `${typeof kind === "string" ? kind : kind.name}|${w}|${l}|${m}`;
  const hit = memo.get(key);
  if (hit !== undefined) return hit;
  const post = posterior(w, l, kind);
  const now = w === l ? 0.5 : confidence(post);
  let expected = 0;
  // log C(m, x)
  const logChoose = (x: number) => {
    let s = 0;
    for (let t = 1; t <= x; t++) s += Math.log(m - x + t) - Math.log(t);
    return s;
  };
  for (let x = 0; x <= m; x++) {
    // predictive P(x of m for i) = Σ_q post(q) C(m, x) q^x (1 − q)^(m − x)
    const lc = logChoose(x);
    let p = 0;
    for (let k = 0; k < STEPS; k++) p += post[k] * Math.exp(lc + x * Math.log(grid[k]) + (m - x) * Math.log(1 - grid[k]));
    const [w2, l2] = [w + x, l + m - x];
    expected += p * (w2 === l2 ? 0.5 : confidence(posterior(w2, l2, kind)));
  }
  const g = Math.max(0, expected - now);
  if (memo.size < 200_000) memo.set(key, g);
  return g;
}

/** Each pair's (w, l) counts over the outputs every ranking orders; null with no ranking or fewer than two such outputs. */
export function pairCounts<T>(rankings: TiedOrder<T>[]): Array<[number, number]> | null {
  if (!rankings.length) return null;
  const [first, ...rest] = rankings.map((order) => new Set<T>(order.flat()));
  const items = [...first].filter((id) => rest.every((ids) => ids.has(id)));
  if (items.length < 2) return null;
  const index = new Map(items.map((id, i) => [id, i]));
  const n = items.length;
  const above = Array.from({ length: n }, () => new Array<number>(n).fill(0));
  for (const order of rankings) {
    const rank = new Map<number, number>();
    order.forEach((group, g) => group.forEach((id) => index.has(id) && rank.set(index.get(id)!, g)));
    for (let i = 0; i < n; i++) {
      for (let j = i + 1; j < n; j++) {
        const [ri, rj] = [rank.get(i)!, rank.get(j)!];
        if (ri < rj) above[i][j] += 1;
        else if (rj < ri) above[j][i] += 1;
        else {
          above[i][j] += 0.5;
          above[j][i] += 0.5;
        }
      }
    }
  }
  const pairs: Array<[number, number]> = [];
  for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) pairs.push([above[i][j], above[j][i]]);
  return pairs;
}

/** G(m) for a prompt: the mean over its pairs of the expected gain from m more rankings. */
export function expectedGain(pairs: Array<[number, number]>, m: number, kind: PairPrior = "logitNormal"): number {
  return pairs.reduce((s, [w, l]) => s + pairGain(w, l, m, kind), 0) / pairs.length;
}

/** v: the best expected gain per ranking over horizons 1..remaining (0 when none remains); null without pairs. */
export function rankingValue<T>(rankings: TiedOrder<T>[], remaining: number, kind: PairPrior = "logitNormal"): number | null {
  const pairs = pairCounts(rankings);
  if (!pairs) return null;
  let best = 0;
  for (let m = 1; m <= remaining; m++) best = Math.max(best, expectedGain(pairs, m, kind) / m);
  return best;
}
