// Bradley–Terry strengths from weighted pairwise comparisons, fitted by MM (Hunter 2004, Ann. Stat. 32:384).
//
// Model: P(i beats j) = γi / (γi + γj). Scores are log γ, shifted to mean zero, so a score
// difference d means odds of e^d that the higher item wins.

export type Comparison = {
  winner: number;
  loser: number;
  /** Non-negative; defaults to 1. */
  weight?: number;
  /** Counts as half a win for each side (simpler than the Rao–Kupper or Davidson tie models). */
  tie?: boolean;
};

export type FitBradleyTerryOptions = {
  /** Default 10 000 full sweeps. */
  maxIter?: number;
  /** Stop when no log-strength moves by more than this in a sweep. Default 1e-9. */
  tol?: number;
  /**
   * Weight of pseudo-comparisons against a virtual item of fixed strength 1 (log 0): every
   * item is credited with `prior` wins and `prior` losses against it. Default 0.1.
   * Why: with no prior the maximum-likelihood estimate does not exist when the comparison
   * graph is disconnected or an item never loses (perfect separation) — its strength runs
   * off to infinity and MM never converges. The pseudo-games keep every strength finite,
   * tie otherwise disconnected items to one scale, and shrink items seen only a few times
   * toward the average; with many real comparisons their effect is negligible.
   */
  prior?: number;
};

export type BradleyTerryFit = {
  /** log-strength per item index, mean zero. */
  scores: number[];
  /** Sweeps run. */
  iterations: number;
  /** False when maxIter was reached before the tolerance. */
  converged: boolean;
};

/**
 * Fits Bradley–Terry log-strengths: Wi is i's (weighted) wins, nij the weight of all i–j
 * comparisons, plus `prior` games won and lost against a virtual item of strength 1. Newton's
 * method for a few items with a prior, Hunter's MM otherwise; both reach the same maximum.
 */
export function fitBradleyTerry(
  nItems: number,
  comparisons: Array<{ winner: number; loser: number; weight?: number; tie?: boolean }>,
  opts: FitBradleyTerryOptions = {},
): BradleyTerryFit {
  const maxIter = opts.maxIter ?? 10_000;
  const tol = opts.tol ?? 1e-9;
  const prior = opts.prior ?? 0.1;
  if (!Number.isInteger(nItems) || nItems < 0) throw new RangeError(`nItems must be a non-negative integer, got ${nItems}`);
  if (!(prior >= 0) || !Number.isFinite(prior)) throw new RangeError(`prior must be a finite number >= 0, got ${prior}`);
  if (nItems === 0) return { scores: [], iterations: 0, converged: true };

  const wins = new Float64Array(nItems).fill(prior);
  // Sparse symmetric pair weights: neighbours[i] maps j → nij.
  const neighbours: Map<number, number>[] = Array.from({ length: nItems }, () => new Map<number, number>());
  for (const c of comparisons) {
    const w = c.weight ?? 1;
    const { winner: i, loser: j } = c;
    if (!Number.isInteger(i) || i < 0 || i >= nItems) throw new RangeError(`winner ${i} is not an item index in [0, ${nItems})`);
    if (!Number.isInteger(j) || j < 0 || j >= nItems) throw new RangeError(`loser ${j} is not an item index in [0, ${nItems})`);
    if (i === j) throw new RangeError(`item ${i} cannot be compared with itself`);
    if (!(w >= 0) || !Number.isFinite(w)) throw new RangeError(`weight must be a finite number >= 0, got ${w}`);
    if (w === 0) continue;
    if (c.tie) {
      wins[i] += w / 2;
      wins[j] += w / 2;
    } else {
      wins[i] += w;
    }
    neighbours[i].set(j, (neighbours[i].get(j) ?? 0) + w);
    neighbours[j].set(i, (neighbours[j].get(i) ?? 0) + w);
  }
  const adj = neighbours.map((m) => Array.from(m.entries()));
  const gamma = prior > 0 && nItems <= NEWTON_MAX_ITEMS ? newton(wins, adj, prior, maxIter, tol) : mm(wins, adj, prior, maxIter, tol);
  const logs = Array.from(gamma.gamma, Math.log);
  const finite = logs.filter(Number.isFinite);
  const mean = finite.length ? meanOf(finite) : 0;
  return { scores: logs.map((s) => s - mean), iterations: gamma.iterations, converged: gamma.converged };
}

/** Newton's method pays (quadratic convergence, a dense n×n solve) up to this many items: one prompt's completions. */
const NEWTON_MAX_ITEMS = 32;

type Fit = { gamma: Float64Array; iterations: number; converged: boolean };
type Adjacency = Array<Array<[number, number]>>;

/**
 * Newton's method on the log-strengths θ = log γ for prior > 0, where the log-likelihood
 *   L(θ) = Σi Wi θi − Σ{i<j} nij log(e^θi + e^θj) − 2·prior Σi log(1 + e^θi)
 * is strictly concave, so its maximum (the MM fixed point) is unique. Steps are halved until
 * L rises: monotone like MM, but a handful of steps where MM needs thousands of sweeps on a
 * unanimous prompt.
 */
function newton(wins: Float64Array, adj: Adjacency, prior: number, maxIter: number, tol: number): Fit {
  const n = wins.length;
  const theta = new Float64Array(n);
  const logLik = (t: Float64Array) => {
    let l = 0;
    for (let i = 0; i < n; i++) {
      l += wins[i] * t[i] - 2 * prior * softplus(t[i]);
      for (const [j, nij] of adj[i]) if (j > i) l -= nij * (Math.max(t[i], t[j]) + Math.log1p(Math.exp(-Math.abs(t[i] - t[j]))));
    }
    return l;
  };
  const grad = new Float64Array(n);
  const hess = new Float64Array(n * n);
  let current = logLik(theta);
  for (let iterations = 1; iterations <= maxIter; iterations++) {
    hess.fill(0);
    for (let i = 0; i < n; i++) {
      const s = sigmoid(theta[i]);
      grad[i] = wins[i] - 2 * prior * s;
      hess[i * n + i] += 2 * prior * s * (1 - s);
      for (const [j, nij] of adj[i]) {
        const p = sigmoid(theta[i] - theta[j]);
        grad[i] -= nij * p;
        hess[i * n + i] += nij * p * (1 - p);
        hess[i * n + j] -= nij * p * (1 - p);
      }
    }
    const step = solveSymmetric(hess, grad, n);
    let scale = 1;
    let next = theta.map((t, i) => t + step[i]);
    let value = logLik(next);
    while (value < current && scale > 1e-6) {
      scale /= 2;
      next = theta.map((t, i) => t + scale * step[i]);
      value = logLik(next);
    }
    const maxStep = Math.max(...step.map((d) => Math.abs(scale * d)));
    theta.set(next);
    current = value;
    if (maxStep < tol) return { gamma: theta.map(Math.exp), iterations, converged: true };
  }
  return { gamma: theta.map(Math.exp), iterations: maxIter, converged: false };
}

/** Solves A x = b for a symmetric positive definite A (row-major n×n) by Cholesky. */
function solveSymmetric(a: Float64Array, b: Float64Array, n: number): Float64Array {
  const l = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      let sum = a[i * n + j];
      for (let k = 0; k < j; k++) sum -= l[i * n + k] * l[j * n + k];
      l[i * n + j] = i === j ? Math.sqrt(Math.max(sum, 1e-300)) : sum / l[j * n + j];
    }
  }
  const y = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let sum = b[i];
    for (let k = 0; k < i; k++) sum -= l[i * n + k] * y[k];
    y[i] = sum / l[i * n + i];
  }
  const x = new Float64Array(n);
  for (let i = n - 1; i >= 0; i--) {
    let sum = y[i];
    for (let k = i + 1; k < n; k++) sum -= l[k * n + i] * x[k];
    x[i] = sum / l[i * n + i];
  }
  return x;
}

const sigmoid = (x: number) => (x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x)));
const softplus = (x: number) => Math.max(x, 0) + Math.log1p(Math.exp(-Math.abs(x)));

/**
 * Hunter's MM update, sweeping items in index order (cyclic updates converge faster than
 * simultaneous ones and keep the result deterministic): γi ← Wi / Σj nij / (γi + γj), j over
 * the real items plus the virtual prior item. Used without a prior and for large sparse graphs.
 */
function mm(wins: Float64Array, adj: Adjacency, prior: number, maxIter: number, tol: number): Fit {
  const nItems = wins.length;

  // With prior 0 an item that never wins has MLE γ = 0 (score −∞); start it there so it does
  // not distort its opponents' updates. Two such items never meet: any game gives one a win.
  const gamma = Float64Array.from(wins, (w, i) => (w === 0 && prior === 0 && adj[i].length > 0 ? 0 : 1));
  let iterations = 0;
  let converged = false;
  while (iterations < maxIter) {
    iterations++;
    let maxStep = 0;
    for (let i = 0; i < nItems; i++) {
      if (gamma[i] === 0) continue;
      let denom = (2 * prior) / (gamma[i] + 1);
      for (const [j, nij] of adj[i]) denom += nij / (gamma[i] + gamma[j]);
      if (denom === 0) continue; // no comparisons at all and no prior: γ stays at 1
      const next = wins[i] / denom;
      const step = Math.abs(Math.log(next) - Math.log(gamma[i]));
      if (step > maxStep) maxStep = step;
      gamma[i] = next;
    }
    if (prior > 0) {
      // The real games fix only strength ratios; the overall scale is pinned by the prior alone,
      // and plain MM moves it by ~prior/games per sweep. Solve for the best common shift
      // exactly instead (a coordinate-ascent step, so the likelihood still only goes up).
      const shift = bestCommonShift(gamma);
      for (let i = 0; i < nItems; i++) gamma[i] *= Math.exp(shift);
    } else {
      // Without the virtual anchor the likelihood is scale-free: pin the geometric mean at 1.
      const scale = Math.exp(meanOf(Array.from(gamma).filter((g) => g > 0).map(Math.log)));
      for (let i = 0; i < nItems; i++) gamma[i] /= scale;
    }
    if (maxStep < tol) {
      converged = true;
      break;
    }
  }

  return { gamma, iterations, converged };
}

/**
 * All pairwise comparisons implied by one ranking ("full rank breaking"): every item beats
 * every item in a later group, and items in one group tie. Ids are item indices; `weight`
 * goes on each pair. A ranking of K items yields K(K−1)/2 pairs, so it counts for more than
 * one pairwise judgment — fine for consensus, where every ranking has the same K.
 */
export function comparisonsFromRanking(order: number[][], weight = 1): Comparison[] {
  const groups = order.filter((g) => g.length > 0);
  const out: Comparison[] = [];
  for (let g = 0; g < groups.length; g++) {
    const group = groups[g];
    for (let a = 0; a < group.length; a++) {
      for (let b = a + 1; b < group.length; b++) out.push({ winner: group[a], loser: group[b], weight, tie: true });
    }
    for (let h = g + 1; h < groups.length; h++) {
      for (const winner of group) for (const loser of groups[h]) out.push({ winner, loser, weight });
    }
  }
  return out;
}

/**
 * The t maximizing the prior's log-likelihood Σi [log(γi e^t) − 2 log(γi e^t + 1)] (a win and
 * a loss of each item against the strength-1 virtual item; real games are unchanged by a
 * common factor). Stationary where Σi tanh((t + log γi)/2) = 0, increasing in t: Newton
 * steps inside a shrinking bracket.
 */
function bestCommonShift(gamma: Float64Array): number {
  const logs = Array.from(gamma, Math.log);
  let lo = -Math.max(...logs) - 1;
  let hi = -Math.min(...logs) + 1;
  let t = -meanOf(logs);
  for (let k = 0; k < 100; k++) {
    let f = 0;
    let df = 0;
    for (const l of logs) {
      const th = Math.tanh((t + l) / 2);
      f += th;
      df += (1 - th * th) / 2;
    }
    if (f > 0) hi = t;
    else lo = t;
    let next = t - f / df;
    if (!(next > lo && next < hi)) next = (lo + hi) / 2;
    if (Math.abs(next - t) < 1e-15) return next;
    t = next;
  }
  return t;
}

function meanOf(xs: number[]): number {
  let s = 0;
  for (const x of xs) s += x;
  return s / xs.length;
}
