// Style-controlled Bradley–Terry ratings as Chatbot Arena computes them: length and markdown counts as covariates beside the model terms.
//
// Reference: LMSYS, "Does style matter? Disentangling style and substance in Chatbot Arena" (2024-08-29) and
// FastChat's elo_analysis.py (construct_style_matrices, fit_mle_elo with style): each outcome is a row of a
// logistic regression whose model columns are +1 for side a and −1 for side b, and whose style columns are the
// per-feature differences normalized by their sum, (a − b) / (a + b + 1), then scaled over all rows.
// The model coefficients are the style-controlled ratings; the style coefficients say how much each feature
// sways the judge on its own.

import { compareIds } from "@/lib/consensus/ranking";
import type { PairwiseOutcome, RatingScale } from "./leaderboard";

export const styleCovariates = ["length", "headers", "lists", "bold"] as const;
export type StyleCovariate = (typeof styleCovariates)[number];
/** Counts for one answer: length in characters (as AlpacaEval's length control), markdown headers, list items, bold spans. */
export type StyleFeatures = Record<StyleCovariate, number>;

export type StyledOutcome = PairwiseOutcome & { styleA: StyleFeatures; styleB: StyleFeatures };

const FENCE = /```[\s\S]*?```/g;
const HEADER = /^#{1,6}\s/gm;
const LIST = /^\s*(?:\d+\.|[-*+])\s/gm;
const BOLD = /\*\*[^*\n]+\*\*|__[^_\n]+__/g;

/** Style counts of an answer; markdown inside fenced code blocks is not counted (FastChat's count_markdown_elements). */
export function styleFeatures(text: string): StyleFeatures {
  const prose = text.replace(FENCE, "");
  return {
    length: text.length,
    headers: prose.match(HEADER)?.length ?? 0,
    lists: prose.match(LIST)?.length ?? 0,
    bold: prose.match(BOLD)?.length ?? 0,
  };
}

export type StyleFitOptions = {
  /** Which features to control for (default all four); ["length"] is a length-only control. */
  covariates?: readonly StyleCovariate[];
  scale?: RatingScale;
  /**
   * L2 penalty on every coefficient (a N(0, 1/ridge) prior on each, in log-odds). Default 1: negligible against
   * thousands of outcomes, but it keeps the fit sane where a model's indicator and a style feature nearly coincide
   * (a model that always writes the longer answer), where the bare maximum likelihood trades one for the other
   * without bound; it also makes the Hessian definite (model terms alone are only defined up to a shift).
   */
  ridge?: number;
};

export type StyleFit = {
  /** Rating per model, on the same scale as computeLeaderboard's (elo: mean 1000). */
  ratings: Map<string, number>;
  /** Log-odds per root-mean-square of each normalized feature difference: > 0, the judge prefers more of it. */
  coefficients: Partial<Record<StyleCovariate, number>>;
  iterations: number;
  converged: boolean;
};

/**
 * Weighted logistic regression by Newton's method. Rows: the non-null outcomes; target 1 / 0 / ½ for a win / loss /
 * tie of side a (a tie is half a win and half a loss, as FastChat splits tied battles). Parameters: one per model,
 * then one per covariate. Cost per iteration: rows × (models + covariates)², fine for tens of models and
 * hundreds of thousands of rows.
 */
export function fitStyleControlled(outcomes: Iterable<StyledOutcome>, opts: StyleFitOptions = {}): StyleFit {
  const covs = opts.covariates ?? styleCovariates;
  const ridge = opts.ridge ?? 1;
  const rows = [...outcomes].filter((o) => o.winner !== null);
  const models = [...new Set(rows.flatMap((o) => [o.a, o.b]))].sort(compareIds);
  const index = new Map(models.map((m, i) => [m, i]));
  const nm = models.length;
  const f = covs.length;
  const p = nm + f;
  const n = rows.length;

  // Normalized style differences, scaled per column to unit root-mean-square (a constant-zero column stays 0).
  // FastChat also subtracts the column mean, harmless in the Arena where sides are assigned at random; here a
  // side can be one model throughout (an imported judgment file puts the baseline first), so a mean shift would
  // act as a per-side offset and bias the model terms. Scaling alone keeps swapping a and b a sign flip.
  const z = new Float64Array(n * f);
  for (let c = 0; c < f; c++) {
    const key = covs[c];
    let ms = 0;
    for (let r = 0; r < n; r++) {
      const a = rows[r].styleA[key];
      const b = rows[r].styleB[key];
      const v = (a - b) / (a + b + 1);
      z[r * f + c] = v;
      ms += (v * v) / n;
    }
    const rms = Math.sqrt(ms);
    for (let r = 0; r < n; r++) z[r * f + c] = rms > 0 ? z[r * f + c] / rms : 0;
  }
  const ia = rows.map((o) => index.get(o.a)!);
  const ib = rows.map((o) => index.get(o.b)!);
  const y = rows.map((o) => (o.winner === "a" ? 1 : o.winner === "b" ? 0 : 0.5));
  const w = rows.map((o) => {
    const v = o.weight ?? 1;
    if (!(v >= 0) || !Number.isFinite(v)) throw new RangeError(`weight must be a finite number >= 0, got ${v}`);
    return v;
  });

  const theta = new Float64Array(p);
  const grad = new Float64Array(p);
  const hess = new Float64Array(p * p);
  let converged = false;
  let it = 0;
  for (; it < 100 && !converged; it++) {
    grad.fill(0);
    hess.fill(0);
    for (let k = 0; k < p; k++) {
      grad[k] = ridge * theta[k];
      hess[k * p + k] = ridge;
    }
    const x = new Float64Array(p);
    for (let r = 0; r < n; r++) {
      // Sparse row: +1 at a, −1 at b, then the style columns.
      let eta = theta[ia[r]] - theta[ib[r]];
      for (let c = 0; c < f; c++) eta += theta[nm + c] * z[r * f + c];
      const pr = 1 / (1 + Math.exp(-eta));
      const g = w[r] * (pr - y[r]);
      const h = w[r] * pr * (1 - pr);
      x.fill(0);
      x[ia[r]] = 1;
      x[ib[r]] = -1;
      for (let c = 0; c < f; c++) x[nm + c] = z[r * f + c];
      const nz = [ia[r], ib[r], ...Array.from({ length: f }, (_, c) => nm + c)];
      for (const k of nz) {
        grad[k] += g * x[k];
        for (const l of nz) hess[k * p + l] += h * x[k] * x[l];
      }
    }
    const step = solveSymmetric(hess, grad, p);
    let biggest = 0;
    for (let k = 0; k < p; k++) {
      theta[k] -= step[k];
      biggest = Math.max(biggest, Math.abs(step[k]));
    }
    converged = biggest < 1e-9;
  }

  let mean = 0;
  for (let k = 0; k < nm; k++) mean += theta[k] / nm;
  const elo = (opts.scale ?? "elo") === "elo";
  const ratings = new Map(models.map((m, k) => [m, elo ? 1000 + (400 / Math.LN10) * (theta[k] - mean) : theta[k] - mean]));
  const coefficients: Partial<Record<StyleCovariate, number>> = {};
  covs.forEach((c, k) => (coefficients[c] = theta[nm + k]));
  return { ratings, coefficients, iterations: it, converged };
}

/** Solves H x = g for a symmetric positive-definite H (p × p, row-major) by Cholesky. */
function solveSymmetric(h: Float64Array, g: Float64Array, p: number): Float64Array {
  const l = new Float64Array(p * p);
  for (let i = 0; i < p; i++) {
    for (let j = 0; j <= i; j++) {
      let s = h[i * p + j];
      for (let k = 0; k < j; k++) s -= l[i * p + k] * l[j * p + k];
      if (i === j) {
        if (!(s > 0)) throw new Error(`style fit: Hessian not positive definite at ${i} (${s})`);
        l[i * p + i] = Math.sqrt(s);
      } else l[i * p + j] = s / l[j * p + j];
    }
  }
  const t = new Float64Array(p);
  for (let i = 0; i < p; i++) {
    let s = g[i];
    for (let k = 0; k < i; k++) s -= l[i * p + k] * t[k];
    t[i] = s / l[i * p + i];
  }
  const x = new Float64Array(p);
  for (let i = p - 1; i >= 0; i--) {
    let s = t[i];
    for (let k = i + 1; k < p; k++) s -= l[k * p + i] * x[k];
    x[i] = s / l[i * p + i];
  }
  return x;
}

export type StyleRow = {
  model: string;
  /** Rank (1 = best) by the raw rating, then by the style-controlled one. */
  rank: number;
  styleRating: number;
  styleRank: number;
  /** rank − styleRank: > 0, the model moves up once style is controlled for. */
  rankShift: number;
};

/** Ranks by each rating (highest first, equal ratings by name) and how far each model moves. */
export function styleRows(raw: Map<string, number>, styled: Map<string, number>): StyleRow[] {
  const rankBy = (r: Map<string, number>) =>
    new Map(
      [...r]
        .sort((x, y) => y[1] - x[1] || compareIds(x[0], y[0]))
        .map(([m], i) => [m, i + 1]),
    );
  const rawRank = rankBy(raw);
  const styleRank = rankBy(styled);
  return [...raw.keys()]
    .filter((m) => styled.has(m))
    .map((model) => ({ model, rank: rawRank.get(model)!, styleRating: styled.get(model)!, styleRank: styleRank.get(model)!, rankShift: rawRank.get(model)! - styleRank.get(model)! }))
    .sort((x, y) => x.rank - y.rank);
}
