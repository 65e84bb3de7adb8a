// Model leaderboard from pairwise judgments: win rate against a baseline and Bradley–Terry ratings, with seeded bootstrap CIs.
import { fitBradleyTerry } from "@/lib/consensus/bradley-terry";
import { compareIds } from "@/lib/consensus/ranking";
import { createRng } from "@/trainer/rng";

export type PairwiseOutcome = {
  a: string;
  b: string;
  /** null = no judgment (the judge failed or abstained): left out of every count. */
  winner: "a" | "b" | "tie" | null;
  /** Non-negative; default 1. */
  weight?: number;
};

export type RatingScale = "elo" | "log";

export type LeaderboardOptions = {
  /** Win rates are against this model. */
  baseline: string;
  /** Bootstrap resamples. Default 200. */
  rounds?: number;
  /** PRNG seed; same seed and outcomes, same intervals. Default 0. */
  seed?: number;
  /** Two-sided level of the percentile intervals. Default 0.95. */
  confidence?: number;
  /**
   * "elo" (default): 1000 + 400/ln 10 × log-strength, so a 400-point gap means 10:1 odds as in
   * Elo and the mean rating is 1000. "log": the Bradley–Terry log-strength itself (mean 0).
   */
  scale?: RatingScale;
  /** Bradley–Terry prior pseudo-games (see fitBradleyTerry). Default the fitter's. */
  prior?: number;
};

export type WinRate = {
  /** Weighted share of non-null judgments won, ties counting half, in percent; null with none. */
  winRate: number | null;
  /** Standard error of winRate (percent): weighted sample sd of per-judgment scores / √n, n − 1 in the denominator. */
  standardError: number | null;
  /** Non-null judgments counted. */
  n: number;
  wins: number;
  losses: number;
  ties: number;
};

export type LeaderboardRow = {
  model: string;
  /** Non-null judgments involving the model, against any opponent. */
  comparisons: number;
  /** Against the baseline; null for the baseline itself. */
  vsBaseline: WinRate | null;
  rating: number;
  ratingCi: [number, number];
};

export type Leaderboard = {
  baseline: string;
  scale: RatingScale;
  rounds: number;
  seed: number;
  confidence: number;
  /** Highest rating first; equal ratings by model name. */
  models: LeaderboardRow[];
};

type Judged = { i: number; j: number; score: number; w: number };

/** mulberry32 (trainer/rng.ts, pure, shared with the trainer's data order); ample for bootstrap index draws. */
export { createRng };

/** Linear-interpolation quantile (R type 7, numpy's default) of sorted values. */
export function quantileSorted(sorted: number[], q: number): number {
  if (sorted.length === 0) return NaN;
  const h = (sorted.length - 1) * q;
  const lo = Math.floor(h);
  const hi = Math.min(lo + 1, sorted.length - 1);
  return sorted[lo] + (h - lo) * (sorted[hi] - sorted[lo]);
}

/** Non-null outcomes as (i, j, score of i, weight), i and j indices into `models`. */
function judge(outcomes: Iterable<PairwiseOutcome>, index: Map<string, number>): Judged[] {
  const out: Judged[] = [];
  for (const o of outcomes) {
    if (o.winner === null) continue;
    const w = o.weight ?? 1;
    if (!(w >= 0) || !Number.isFinite(w)) throw new RangeError(`weight must be a finite number >= 0, got ${w}`);
    if (o.a === o.b) throw new RangeError(`a model cannot be judged against itself: ${o.a}`);
    out.push({ i: index.get(o.a)!, j: index.get(o.b)!, score: o.winner === "a" ? 1 : o.winner === "b" ? 0 : 0.5, w });
  }
  return out;
}

/** Weighted win rate of side i (score x ∈ {0, ½, 1}) with the sandwich standard error. */
function rateOf(xs: Array<{ x: number; w: number }>): WinRate {
  let sw = 0;
  let sx = 0;
  let wins = 0;
  let losses = 0;
  let ties = 0;
  for (const { x, w } of xs) {
    sw += w;
    sx += w * x;
    if (x === 1) wins += w;
    else if (x === 0) losses += w;
    else ties += w;
  }
  const n = xs.length;
  if (n === 0 || sw === 0) return { winRate: null, standardError: null, n, wins, losses, ties };
  const mean = sx / sw;
  let s2 = 0;
  for (const { x, w } of xs) s2 += w * w * (x - mean) ** 2;
  // With unit weights this is the sample sd (n − 1) over √n, AlpacaEval's standard_error.
  const se = n > 1 ? (Math.sqrt(s2) / sw) * Math.sqrt(n / (n - 1)) : null;
  return { winRate: 100 * mean, standardError: se === null ? null : 100 * se, n, wins, losses, ties };
}

function fitRatings(nItems: number, judged: Judged[], counts: Float64Array | null, opts: LeaderboardOptions): number[] {
  // Aggregate to one comparison per (ordered pair, result) so each fit sees ≤ 3·n² entries.
  const win = new Float64Array(nItems * nItems);
  const tie = new Float64Array(nItems * nItems);
  judged.forEach((o, k) => {
    const w = o.w * (counts ? counts[k] : 1);
    if (w === 0) return;
    if (o.score === 1) win[o.i * nItems + o.j] += w;
    else if (o.score === 0) win[o.j * nItems + o.i] += w;
    else tie[Math.min(o.i, o.j) * nItems + Math.max(o.i, o.j)] += w;
  });
  const comparisons: Array<{ winner: number; loser: number; weight: number; tie?: boolean }> = [];
  for (let i = 0; i < nItems; i++) {
    for (let j = 0; j < nItems; j++) {
      if (win[i * nItems + j] > 0) comparisons.push({ winner: i, loser: j, weight: win[i * nItems + j] });
      if (tie[i * nItems + j] > 0) comparisons.push({ winner: i, loser: j, weight: tie[i * nItems + j], tie: true });
    }
  }
  const { scores } = fitBradleyTerry(nItems, comparisons, { prior: opts.prior });
  return (opts.scale ?? "elo") === "elo" ? scores.map((s) => 1000 + (400 / Math.LN10) * s) : scores;
}

/**
 * Per model: judgments counted, win rate against the baseline (ties half, nulls left out),
 * and a Bradley–Terry rating fitted on every judgment (any pair of models), with percentile
 * intervals from `rounds` bootstrap resamples of the non-null judgments (drawn with
 * replacement by a seeded PRNG, so the same inputs and seed give the same numbers).
 */
export function computeLeaderboard(outcomes: Iterable<PairwiseOutcome>, opts: LeaderboardOptions): Leaderboard {
  const rounds = opts.rounds ?? 200;
  const seed = opts.seed ?? 0;
  const confidence = opts.confidence ?? 0.95;
  if (!Number.isInteger(rounds) || rounds < 1) throw new RangeError(`rounds must be a positive integer, got ${rounds}`);
  if (!(confidence > 0 && confidence < 1)) throw new RangeError(`confidence must be in (0, 1), got ${confidence}`);
  const list = [...outcomes];
  const models = [...new Set(list.flatMap((o) => [o.a, o.b]).concat(opts.baseline))].sort(compareIds);
  const index = new Map(models.map((m, i) => [m, i]));
  const judged = judge(list, index);
  const n = models.length;
  const b = index.get(opts.baseline)!;

  const rating = fitRatings(n, judged, null, opts);
  const rng = createRng(seed);
  const samples: number[][] = models.map(() => []);
  const counts = new Float64Array(judged.length);
  for (let r = 0; r < rounds; r++) {
    counts.fill(0);
    for (let k = 0; k < judged.length; k++) counts[Math.floor(rng() * judged.length)]++;
    fitRatings(n, judged, counts, opts).forEach((s, i) => samples[i].push(s));
  }
  const alpha = (1 - confidence) / 2;

  const comparisons = new Array<number>(n).fill(0);
  const vsBaseline: Array<Array<{ x: number; w: number }>> = models.map(() => []);
  for (const o of judged) {
    comparisons[o.i]++;
    comparisons[o.j]++;
    if (o.j === b) vsBaseline[o.i].push({ x: o.score, w: o.w });
    else if (o.i === b) vsBaseline[o.j].push({ x: 1 - o.score, w: o.w });
  }
  const rows = models.map((model, i): LeaderboardRow => {
    const sorted = samples[i].sort((x, y) => x - y);
    return {
      model,
      comparisons: comparisons[i],
      vsBaseline: i === b ? null : rateOf(vsBaseline[i]),
      rating: rating[i],
      ratingCi: [quantileSorted(sorted, alpha), quantileSorted(sorted, 1 - alpha)],
    };
  });
  rows.sort((x, y) => y.rating - x.rating || compareIds(x.model, y.model));
  return { baseline: opts.baseline, scale: opts.scale ?? "elo", rounds, seed, confidence, models: rows };
}

export type WinRateWithCi = WinRate & { model: string; baseline: string; ci: [number, number] | null };

/**
 * Win rate of `model` against `baseline` (percent, ties half, nulls left out) over the
 * judgments between just those two, with a percentile bootstrap interval. For a release
 * gate ("the new model beats the old one"): require ci[0] > 50.
 */
export function winRateWithCi(
  outcomes: Iterable<PairwiseOutcome>,
  opts: { model: string; baseline: string; rounds?: number; seed?: number; confidence?: number },
): WinRateWithCi {
  const rounds = opts.rounds ?? 200;
  const confidence = opts.confidence ?? 0.95;
  if (!Number.isInteger(rounds) || rounds < 1) throw new RangeError(`rounds must be a positive integer, got ${rounds}`);
  if (!(confidence > 0 && confidence < 1)) throw new RangeError(`confidence must be in (0, 1), got ${confidence}`);
  const xs: Array<{ x: number; w: number }> = [];
  for (const o of outcomes) {
    if (o.winner === null) continue;
    const w = o.weight ?? 1;
    if (!(w >= 0) || !Number.isFinite(w)) throw new RangeError(`weight must be a finite number >= 0, got ${w}`);
    const score = o.winner === "a" ? 1 : o.winner === "b" ? 0 : 0.5;
    if (o.a === opts.model && o.b === opts.baseline) xs.push({ x: score, w });
    else if (o.a === opts.baseline && o.b === opts.model) xs.push({ x: 1 - score, w });
  }
  const point = rateOf(xs);
  if (point.winRate === null) return { ...point, model: opts.model, baseline: opts.baseline, ci: null };
  const rng = createRng(opts.seed ?? 0);
  const rates: number[] = [];
  for (let r = 0; r < rounds; r++) {
    let sw = 0;
    let sx = 0;
    for (let k = 0; k < xs.length; k++) {
      const { x, w } = xs[Math.floor(rng() * xs.length)];
      sw += w;
      sx += w * x;
    }
    rates.push(sw > 0 ? (100 * sx) / sw : point.winRate);
  }
  rates.sort((x, y) => x - y);
  const alpha = (1 - confidence) / 2;
  return { ...point, model: opts.model, baseline: opts.baseline, ci: [quantileSorted(rates, alpha), quantileSorted(rates, 1 - alpha)] };
}
