// The Plackett–Luce posterior of a prompt's output strengths, and what it says about the consensus: the rules
// tests/bench/routing.ts calls plConf and plValue.
//
// Rankings of a prompt's K outputs are Plackett–Luce draws with log-strengths θ (the model the bench simulates, and
// the one whose pairwise marginals are the app's Bradley–Terry). Prior θ_i ~ N(0, σ²), independent, with σ set so that
// two annotators order a random pair alike 65.7% of the time (Δθ ~ N(0, 2σ²); the calibration pairwise-confidence.ts
// uses, Dubois et al. 2023). The posterior is approximated by a Gaussian at its mode (Newton; Laplace). Then for each
// pair P(θ_i > θ_j) = Φ((μ_i − μ_j) / sd(θ_i − θ_j)), and the expected share of pairs the posterior-mode order gets
// right is
//   A = mean over pairs of max(P, 1 − P),
// the quantity the bench scores, computed from the whole ranking (transitivity included), not pair by pair.
// plConf stops a prompt once A reaches a threshold. plValue stops it once one more ranking is expected to raise A by
// less than a price: the next ranking is one of the K! orders, each with its Plackett–Luce chance under the posterior
// mode; A is recomputed after each.
import { HUMAN_PAIR_AGREEMENT } from "@/lib/consensus/pairwise-confidence";

const sigmoid = (z: number) => 1 / (1 + Math.exp(-z));

/** σ of the θ prior: E over Δθ ~ N(0, 2σ²) of σ(Δθ)² + (1 − σ(Δθ))² = the human agreement. */
export const THETA_PRIOR_SD = (() => {
  const agreeAt = (s: number) => {
    let num = 0;
    let den = 0;
    for (let k = -400; k <= 400; k++) {
      const t = k / 80;
      const d = Math.exp((-t * t) / 2);
      const q = sigmoid(s * t);
      num += d * (q * q + (1 - q) * (1 - q));
      den += d;
    }
    return num / den;
  };
  let [lo, hi] = [1e-3, 50];
  for (let it = 0; it < 80; it++) {
    const mid = (lo + hi) / 2;
    if (agreeAt(mid) < HUMAN_PAIR_AGREEMENT) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2 / Math.SQRT2;
})();

/** Φ, the standard normal CDF (Abramowitz–Stegun 7.1.26 on erf, error < 1.5e-7). */
function phi(x: number): number {
  const z = Math.abs(x) / Math.SQRT2;
  const t = 1 / (1 + 0.3275911 * z);
  const y = 1 - ((((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t * Math.exp(-z * z);
  return x >= 0 ? (1 + y) / 2 : (1 - y) / 2;
}

/** H⁻¹ for a small symmetric positive-definite H (Gauss–Jordan with pivoting). */
function invert(h: number[][]): number[][] {
  const n = h.length;
  const a = h.map((row, i) => [...row, ...Array.from({ length: n }, (_, j) => (i === j ? 1 : 0))]);
  for (let c = 0; c < n; c++) {
    let p = c;
    for (let r = c + 1; r < n; r++) if (Math.abs(a[r][c]) > Math.abs(a[p][c])) p = r;
    [a[c], a[p]] = [a[p], a[c]];
    const d = a[c][c];
    for (let j = 0; j < 2 * n; j++) a[c][j] /= d;
    for (let r = 0; r < n; r++) {
      if (r === c) continue;
      const f = a[r][c];
      if (f !== 0) for (let j = 0; j < 2 * n; j++) a[r][j] -= f * a[c][j];
    }
  }
  return a.map((row) => row.slice(n));
}

export type Posterior = { mu: number[]; cov: number[][]; hess: number[][] };

/** Adds one ranking's log-likelihood gradient and negative Hessian at θ into grad and hess (Plackett–Luce choices). */
function addRanking(order: number[], theta: number[], grad: number[], hess: number[][]) {
  const k = order.length;
  const ex = order.map((i) => Math.exp(theta[i]));
  for (let pos = 0; pos < k - 1; pos++) {
    let tot = 0;
    for (let a = pos; a < k; a++) tot += ex[a];
    grad[order[pos]] += 1;
    for (let a = pos; a < k; a++) {
      const pa = ex[a] / tot;
      grad[order[a]] -= pa;
      for (let b = pos; b < k; b++) hess[order[a]][order[b]] += (a === b ? pa : 0) - pa * (ex[b] / tot);
    }
  }
}

/** The Laplace posterior of θ given full rankings (best first, item indices 0..K−1); Newton from `start` (0 by default). */
export function plPosterior(rankings: number[][], k: number, start?: number[]): Posterior {
  const prec = 1 / (THETA_PRIOR_SD * THETA_PRIOR_SD);
  const theta = start ? [...start] : new Array<number>(k).fill(0);
  let hess: number[][] = [];
  let cov: number[][] = [];
  for (let it = 0; it < 50; it++) {
    const grad = theta.map((t) => -prec * t);
    hess = Array.from({ length: k }, (_, i) => Array.from({ length: k }, (_, j) => (i === j ? prec : 0)));
    for (const order of rankings) addRanking(order, theta, grad, hess);
    cov = invert(hess);
    let move = 0;
    for (let i = 0; i < k; i++) {
      let step = 0;
      for (let j = 0; j < k; j++) step += cov[i][j] * grad[j];
      theta[i] += step;
      move = Math.max(move, Math.abs(step));
    }
    if (move < 1e-8) break;
  }
  return { mu: theta, cov, hess };
}

/** A: the expected share of pairs the posterior mode orders right. */
export function expectedAccuracy(post: Pick<Posterior, "mu" | "cov">): number {
  const k = post.mu.length;
  let s = 0;
  let n = 0;
  for (let i = 0; i < k; i++) {
    for (let j = i + 1; j < k; j++) {
      const v = post.cov[i][i] + post.cov[j][j] - 2 * post.cov[i][j];
      const p = phi((post.mu[i] - post.mu[j]) / Math.sqrt(Math.max(v, 1e-12)));
      s += Math.max(p, 1 - p);
      n++;
    }
  }
  return s / n;
}

function permutations(k: number): number[][] {
  if (k === 1) return [[0]];
  return permutations(k - 1).flatMap((p) => Array.from({ length: k }, (_, at) => [...p.slice(0, at), k - 1, ...p.slice(at)]));
}
const perms = new Map<number, number[][]>();

/** Plackett–Luce chance of a full order under log-strengths θ. */
function plChance(order: number[], theta: number[]): number {
  let p = 1;
  for (let pos = 0; pos < order.length - 1; pos++) {
    let tot = 0;
    for (let a = pos; a < order.length; a++) tot += Math.exp(theta[order[a]]);
    p *= Math.exp(theta[order[pos]]) / tot;
  }
  return p;
}

/**
 * The expected rise in A from one more ranking. The next ranking is each of the K! orders with its Plackett–Luce chance
 * at the posterior mode; the posterior after it is one Newton step from the mode (the mode's gradient is 0, so the step
 * is (H + H_new)⁻¹ g_new), the usual one-step Laplace update.
 */
export function valueOfNext(post: Posterior): number {
  const k = post.mu.length;
  if (!perms.has(k)) perms.set(k, permutations(k));
  const now = expectedAccuracy(post);
  let next = 0;
  for (const order of perms.get(k)!) {
    const grad = new Array<number>(k).fill(0);
    const hess = post.hess.map((row) => [...row]);
    addRanking(order, post.mu, grad, hess);
    const cov = invert(hess);
    const mu = post.mu.map((m, i) => m + cov[i].reduce((s, c, j) => s + c * grad[j], 0));
    next += plChance(order, post.mu) * expectedAccuracy({ mu, cov });
  }
  return next - now;
}
