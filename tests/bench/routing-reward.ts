// The reward model's top-two margin as a routing signal (tests/bench/routing.ts's reward* rules), as the app uses it and as it could.
//
// A reward model scores each output of a prompt once, before any ranking; its margin is the score of its first minus its
// second. The app (rewardMarginThreshold, lib/consensus/question-agreement.ts routingAgreement) gives a prompt whose
// margin is below the threshold routing agreement 0, so it collects maxOverlap rankings; every other prompt routes on
// its stop signal between minOverlap and maxOverlap as before. That is the `app` policy here: (marginThreshold, min,
// max, threshold). The bench also measures a policy the app cannot express, `byMargin`: the margin splits prompts into
// close and clear, and each group has its own (min, max, threshold), so a clear margin may start at 2 and a close one
// at more, or the other way round (tuning picks the direction; nothing assumes close margins need more).
//
// The reward model is not an oracle. Two kinds are measured:
// - synthetic: score = true utility + N(0, σ²), σ set so that the reward model orders a random pair of a task's outputs
//   as the ground truth does with a stated accuracy (0.65, 0.70, 0.75; 0.85 and 1.0, no noise, as references), or so that
//   it agrees with one simulated annotator's label with a stated accuracy (0.65, 0.70: what held-out accuracies of reward
//   models on preference data measure; here annotators agree with each other 65.7% of the time and a noise-free model
//   agrees with one 74.3%, so 0.75 is out of reach). Its noise is drawn afresh for every set of annotator draws, so
//   tuning cannot fit one reward model's errors on particular prompts.
// - length: score = log of the output's length in characters, from the output texts in AlpacaEval's file. Length is
//   what GPT-4 judges reward most (AlpacaEval's length control exists for it) and it is computed from the outputs
//   alone: a real signal that no judgment enters (what it agrees with in the ground truth, it earns).
// Each setting's policy is tuned on the tuning draws (the cheapest whose accuracy reaches fixed overlap n's there) and
// reported on the evaluation draws against the fixed overlap's cost for the accuracy it reached, as routing.ts does.

/** One pooled set of annotator draws: per prompt, accuracy and stop figure (higher: more settled) after n = 1..maxN rankings, and the reward margin. */
export type Stream = { acc: number[][]; stop: Array<Array<number | null>>; margin: number[] };
type Rule = { min: number; max: number; threshold: number };
export type RewardPolicy = ({ kind: "app" } & Rule & { marginThreshold: number }) | { kind: "byMargin"; marginThreshold: number; close: Rule; clear: Rule };

/** Φ, the standard normal CDF (Abramowitz–Stegun 7.1.26 on erf, error < 1.5e-7). */
function phi(x: number): number {
  const z = Math.abs(x) / Math.SQRT2;
  const t = 1 / (1 + 0.3275911 * z);
  const y = 1 - ((((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t * Math.exp(-z * z);
  return x >= 0 ? (1 + y) / 2 : (1 - y) / 2;
}

/**
 * σ of the reward model's Gaussian noise for a pairwise accuracy (bisection). Against the ground truth: mean over pairs of
 * Φ(|Δu| / (σ√2)) = accuracy. Against one annotator's label (pass τ; what held-out accuracies on preference data measure):
 * mean of Φ·q + (1 − Φ)(1 − q) with q = σ(|Δu| / τ); annotators' own noise caps it at the noise-free model's figure.
 */
export function noiseForAccuracy(tasks: number[][], accuracy: number, labelTau?: number): number {
  if (accuracy >= 1) return 0;
  const gaps = tasks.flatMap((u) => u.flatMap((x, i) => u.slice(i + 1).map((y) => Math.abs(x - y)))).filter((g) => g > 0);
  const right = (g: number, s: number) => {
    const f = phi(g / (s * Math.SQRT2));
    if (labelTau === undefined) return f;
    const q = 1 / (1 + Math.exp(-g / labelTau));
    return f * q + (1 - f) * (1 - q);
  };
  const accAt = (s: number) => gaps.reduce((a, g) => a + right(g, s), 0) / gaps.length;
  let [lo, hi] = [1e-4, 1e3];
  for (let it = 0; it < 100; it++) {
    const mid = Math.sqrt(lo * hi);
    if (accAt(mid) > accuracy) lo = mid;
    else hi = mid;
  }
  return Math.sqrt(lo * hi);
}

/** Utility plus Gaussian noise of sd σ (Box–Muller from rng). */
export function noisyScores(tasks: number[][], sigma: number, rng: () => number): number[][] {
  return tasks.map((u) => u.map((x) => x + sigma * Math.sqrt(-2 * Math.log(1 - rng())) * Math.cos(2 * Math.PI * rng())));
}

/** Share of a task's output pairs (distinct utilities) the scores order as the utilities do; equal scores count half. */
export function pairwiseAccuracy(tasks: number[][], scores: number[][]): number {
  let right = 0;
  let n = 0;
  tasks.forEach((u, t) => {
    for (let i = 0; i < u.length; i++) {
      for (let j = i + 1; j < u.length; j++) {
        if (u[i] === u[j]) continue;
        n++;
        const [du, ds] = [u[i] - u[j], scores[t][i] - scores[t][j]];
        right += ds === 0 ? 0.5 : du > 0 === ds > 0 ? 1 : 0;
      }
    }
  });
  return right / n;
}

/**
 * The reward model's agreement with one simulated annotator's label on a random pair: where it orders the pair as the
 * ground truth does, the chance q = σ(|Δu| / τ) that the annotator does too, else 1 − q. This is the figure held-out
 * reward-model accuracies on preference data are (labels, not the truth), so it says what the stated accuracies mean.
 */
export function labelAgreement(tasks: number[][], scores: number[][], tau: number): number {
  let s = 0;
  let n = 0;
  tasks.forEach((u, t) => {
    for (let i = 0; i < u.length; i++) {
      for (let j = i + 1; j < u.length; j++) {
        if (u[i] === u[j]) continue;
        n++;
        const q = 1 / (1 + Math.exp(-Math.abs(u[i] - u[j]) / tau));
        const ds = scores[t][i] - scores[t][j];
        s += ds === 0 ? 0.5 : (u[i] - u[j] > 0) === ds > 0 ? q : 1 - q;
      }
    }
  });
  return s / n;
}

/** The app's margin: the top score minus the second (lib/suggestions/suggestions.ts orderByScore). */
export function topTwoMargin(scores: number[]): number {
  const [a, b] = [...scores].sort((x, y) => y - x);
  return a - b;
}

/** Bench only: the smallest gap between any two of the prompt's scores (every pair counts toward accuracy, not only the top two). */
export function smallestGap(scores: number[]): number {
  const s = [...scores].sort((x, y) => y - x);
  return Math.min(...s.slice(1).map((x, i) => s[i] - x));
}

/** Rankings a prompt gets under a rule: min, then one more while its stop figure is below the threshold (or undefined), up to max. */
function stopAt(stop: Array<number | null>, r: Rule): number {
  let n = r.min;
  while (n < r.max && !((stop[n - 1] ?? -Infinity) >= r.threshold)) n++;
  return n;
}

export function routeWithReward(s: Stream, p: RewardPolicy): { perPrompt: number; accuracy: number } {
  let cost = 0;
  let acc = 0;
  s.acc.forEach((a, i) => {
    const close = s.margin[i] < p.marginThreshold;
    const n = p.kind === "app" ? (close ? p.max : stopAt(s.stop[i], p)) : stopAt(s.stop[i], close ? p.close : p.clear);
    cost += n;
    acc += a[n - 1];
  });
  return { perPrompt: cost / s.acc.length, accuracy: acc / s.acc.length };
}

type Option = { rule: Rule; cost: number; acc: number };

/** Every rule's summed cost and accuracy over the prompts in `idx` (fixed overlaps, min = max, included). */
function options(s: Stream, idx: number[], mins: number[], maxN: number, thresholds: number[]): Option[] {
  const out: Option[] = [];
  for (let n = 1; n <= maxN; n++) out.push({ rule: { min: n, max: n, threshold: Infinity }, cost: n * idx.length, acc: idx.reduce((a, i) => a + s.acc[i][n - 1], 0) });
  for (const min of mins) {
    for (const threshold of thresholds) {
      // first n ≥ min at which the prompt would stop with no max; a max caps it
      const first = idx.map((i) => stopAt(s.stop[i], { min, max: maxN, threshold }));
      for (let max = min + 1; max <= maxN; max++) {
        let cost = 0;
        let acc = 0;
        idx.forEach((i, k) => {
          const n = Math.min(first[k], max);
          cost += n;
          acc += s.acc[i][n - 1];
        });
        out.push({ rule: { min, max, threshold }, cost, acc });
      }
    }
  }
  return out;
}

/** The options no other beats on both cost and accuracy, cheapest first (accuracy then rises strictly). */
function front(xs: Option[]): Option[] {
  const sorted = [...xs].sort((a, b) => a.cost - b.cost || b.acc - a.acc);
  const out: Option[] = [];
  for (const x of sorted) if (!out.length || x.acc > out[out.length - 1].acc) out.push(x);
  return out;
}

/**
 * Per target accuracy, the cheapest policy of each kind whose accuracy on `s` reaches it. Margin thresholds: the
 * margins' quantiles 0, 0.05, …, 0.9 (quantile 0 sends no prompt to the close group: the stop signal alone).
 */
export function tuneRewardPolicies(s: Stream, targets: number[], o: { mins: number[]; maxN: number; thresholds: number[] }): Array<{ app: RewardPolicy | null; byMargin: RewardPolicy | null }> {
  const sortedMargins = [...s.margin].sort((a, b) => a - b);
  const marginThresholds = [...new Set(Array.from({ length: 19 }, (_, k) => (k === 0 ? -Infinity : sortedMargins[Math.floor((k / 20) * sortedMargins.length)])))];
  const best = targets.map(() => ({ app: null as { p: RewardPolicy; cost: number } | null, byMargin: null as { p: RewardPolicy; cost: number } | null }));
  const all = s.acc.map((_, i) => i);
  for (const marginThreshold of marginThresholds) {
    const close = all.filter((i) => s.margin[i] < marginThreshold);
    const clear = all.filter((i) => !(s.margin[i] < marginThreshold));
    const clearOpts = options(s, clear, o.mins, o.maxN, o.thresholds);
    const cf = close.length ? front(options(s, close, o.mins, o.maxN, o.thresholds)) : [{ rule: { min: 1, max: 1, threshold: Infinity }, cost: 0, acc: 0 }];
    const lf = front(clearOpts);
    targets.forEach((target, t) => {
      const need = target * s.acc.length;
      const b = best[t];
      // app: the close group takes max; the clear group routes between min and the same max
      for (let max = 2; max <= o.maxN; max++) {
        const closeCost = max * close.length;
        const closeAcc = close.reduce((a, i) => a + s.acc[i][max - 1], 0);
        for (const x of clearOpts) {
          if (x.rule.max !== max || x.rule.min === x.rule.max || x.acc + closeAcc < need) continue;
          if (!b.app || x.cost + closeCost < b.app.cost) b.app = { p: { kind: "app", marginThreshold, ...x.rule }, cost: x.cost + closeCost };
        }
      }
      // byMargin: any rule per group; for each close option the cheapest clear option that makes up the accuracy
      for (const a of cf) {
        let [lo, hi] = [0, lf.length];
        while (lo < hi) {
          const mid = (lo + hi) >> 1;
          if (lf[mid].acc + a.acc >= need) hi = mid;
          else lo = mid + 1;
        }
        if (lo === lf.length) continue;
        const cost = a.cost + lf[lo].cost;
        if (!b.byMargin || cost < b.byMargin.cost) b.byMargin = { p: { kind: "byMargin", marginThreshold, close: a.rule, clear: lf[lo].rule }, cost };
      }
    });
  }
  return best.map((b) => ({ app: b.app?.p ?? null, byMargin: b.byMargin?.p ?? null }));
}
