// `npm run bench -- routing [--json]`: rankings spent for the same consensus accuracy, routed (lib/rankings/routing.ts) vs a fixed overlap, simulated on AlpacaEval's judgments.
//
// Ground truth. Every model's Bradley–Terry log-strength θ is fitted on all ~8,000 GPT-4 judgments
// (lib/leaderboard, the fit the leaderboard shows). An output's true utility on its instruction is
// θ_model + δ·(y − ȳ_model), with y its judgment against text_davinci_003 on that instruction (1 won, ½ tie,
// 0 lost), ȳ the model's mean and δ = 2: the model's strength, moved by how the judge found this answer.
// Each of the 805 instructions becomes a ranking task of K = 4 outputs drawn (seeded) from the eleven.
//
// Annotators. A simulated ranking is a Plackett–Luce draw with scores utility / τ (its pairwise marginals are
// Bradley–Terry). τ is set so that two annotators order a random pair of a task's outputs the same way 65.7% of
// the time: the human inter-annotator agreement AlpacaFarm measured on this kind of data (Dubois et al. 2023).
//
// Cost and accuracy. Each prompt has a stream of rankings; after n of them the app's consensus
// (lib/consensus consensusOrder: Bradley–Terry, Borda for one ranking) and agreement (Kendall's W) are what the
// app would store. Accuracy = share of output pairs the consensus orders as the ground truth does. Fixed overlap n
// spends n rankings per prompt; routing (min, max, threshold) spends min, then one more while its stop signal is below
// the threshold, up to max. Two signals are compared: Kendall's W (the rule lib/rankings/routing.ts applies today) and
// the mean pairwise confidence (lib/consensus/pairwise-confidence.ts: for each pair of outputs, the posterior chance
// that the majority order is right, under a Beta prior calibrated to the same 65.7% agreement). A fixed overlap between two whole numbers is realizable (a random share of prompts gets one more), so
// its cost for a given accuracy is interpolated on the curve. Routing's (min, max, threshold) is chosen on one
// set of annotator draws (tuning) and reported on four fresh ones (evaluation), so the figure is not fitted to noise.
// ROUTING_DELTA=1|4 reruns it with less or more per-instruction spread in the ground truth (a sensitivity check).
//
// Other stopping rules, measured beside those two under the same tuning/evaluation split (none is used by the app):
// - confSlope: pairwise confidence against a threshold that falls by `slope` per ranking past min (an n-dependent,
//   SPRT-like boundary: a prompt still unsure after many rankings is let go).
// - voiBeta, voiLogitNormal, voiTruePrior: value of information (tests/bench/routing-value.ts). For each pair, the expected
//   rise in the chance its majority order is right from m more votes under a prior on the pair's vote share; a prompt
//   stops when the best gain per ranking over the horizons left falls below a price. It stops on clear prompts and,
//   to the extent the prior can tell, on near-ties more votes would not settle. Priors: Beta (pairwise-confidence's),
//   logit-normal with the same 65.7% calibration, and the simulation's own true distribution of pair probabilities
//   (not available to the app: it shows whether a better prior could help).
// - plConf, plValue: the Plackett–Luce posterior of the outputs' strengths (tests/bench/routing-pl.ts; a Gaussian prior
//   with the same calibration, Laplace approximation), which uses the whole rankings (transitivity) rather than pair
//   by pair: plConf stops when its expected share of rightly ordered pairs reaches a threshold, plValue when one more
//   ranking is expected to raise that share by less than a price.
// - reward model margin (tests/bench/routing-reward.ts): the app's rewardMarginThreshold rule (a prompt whose reward model's
//   top two are closer than the threshold takes maxOverlap; the rest route on pairwise confidence), and bench-only policies
//   where the margin (top two, or the smallest gap between any two outputs) splits prompts into two groups with a (min,
//   max, threshold) each, on confidence or plValue. Reward models: the ground truth plus Gaussian noise at a stated pairwise
//   accuracy against the truth (0.65, 0.70, 0.75; 0.85 and 1 as references) or against one annotator's label (0.65, 0.70),
//   and the outputs' log length. Beside it, not routing: the
//   reward model's order counted as one more ranking in the consensus, at fixed overlap.
import fs from "node:fs";
import path from "node:path";
import zlib from "node:zlib";
import { consensusOrder } from "@/lib/consensus/consensus";
import { pairwiseConfidence } from "@/lib/consensus/pairwise-confidence";
import { expectedAccuracy, plPosterior, valueOfNext, type Posterior } from "./routing-pl";
import { expectedGain, gridPrior, pairCounts } from "./routing-value";
import { labelAgreement, noiseForAccuracy, noisyScores, pairwiseAccuracy, routeWithReward, smallestGap, topTwoMargin, tuneRewardPolicies, type RewardPolicy, type Stream } from "./routing-reward";
import { computeLeaderboard, type PairwiseOutcome } from "@/lib/leaderboard/leaderboard";
import { createRng } from "@/trainer/rng";
import { report, wantJson } from "./common";

const dataFile = path.resolve(import.meta.dirname, "../../../shared/data/alpaca-eval-judgments.jsonl.gz");
if (!fs.existsSync(dataFile)) {
  console.error(`routing bench skipped: ${dataFile} is absent (an outside clone); it needs AlpacaEval's judgments`);
  process.exit(0);
}

const K = 4;
const DELTA = Number(process.env.ROUTING_DELTA ?? 2);
const HUMAN_AGREEMENT = 0.657;
const MAX_N = 9;
/** Fixed overlaps the saving is reported against; the target is stated at 5, a common choice (Open-Assistant used 3–5). */
const FIXED_TARGETS = [3, 5, 7] as const;
/** Evaluation draws: independent annotator streams, pooled, so the accuracy curve's noise (~0.6 points for one) shrinks. */
const EVAL_SEEDS = [2, 3, 4, 5];
/** Tuning draws, disjoint from the evaluation's, pooled. With one (seed 1, as before) the cheapest policy that just reached the target there often fell short on fresh draws: W then chose 3..5 at 0.85 (3.5%), four draws choose 3..7 at 0.55 (1.6%). */
const TUNING_SEEDS = (process.env.ROUTING_TUNING_SEEDS ?? "1,6,7,8").split(",").map(Number);
const BASELINE = "text_davinci_003";

type Judgment = { instruction: string; output_1: string; generator_1: string; output_2: string; generator_2: string; preference: number | null };
const judgments = zlib
  .gunzipSync(fs.readFileSync(dataFile))
  .toString("utf8")
  .split("\n")
  .filter(Boolean)
  .map((l) => JSON.parse(l) as Judgment);

// θ per model on the log scale.
const outcomes: PairwiseOutcome[] = judgments.map((j) => ({ a: j.generator_1, b: j.generator_2, winner: j.preference === 1 ? "a" : j.preference === 2 ? "b" : j.preference === 0 ? "tie" : null }));
const theta = new Map(computeLeaderboard(outcomes, { baseline: BASELINE, rounds: 1, scale: "log" }).models.map((m) => [m.model, m.rating]));

// y per (instruction, model) against the baseline, and each model's mean.
const byInstruction = new Map<string, Map<string, number>>();
const sums = new Map<string, { s: number; n: number }>();
for (const j of judgments) {
  if (j.preference === null) continue;
  const modelIsA = j.generator_2 === BASELINE;
  const model = modelIsA ? j.generator_1 : j.generator_2;
  const y = j.preference === 0 ? 0.5 : (j.preference === 1) === modelIsA ? 1 : 0;
  if (!byInstruction.has(j.instruction)) byInstruction.set(j.instruction, new Map());
  byInstruction.get(j.instruction)!.set(model, y);
  const t = sums.get(model) ?? { s: 0, n: 0 };
  sums.set(model, { s: t.s + y, n: t.n + 1 });
}

// Output lengths in characters per (instruction, model): the length reward model's scores (tests/bench/routing-reward.ts).
const lengths = new Map<string, Map<string, number>>();
for (const j of judgments) {
  if (!lengths.has(j.instruction)) lengths.set(j.instruction, new Map());
  lengths.get(j.instruction)!.set(j.generator_1, j.output_1.length).set(j.generator_2, j.output_2.length);
}

// Tasks: K outputs per instruction (the baseline's output counts as one of the candidates), true utilities.
const taskRng = createRng(19);
const tasks: number[][] = [];
/** Per task, each output's log length (same order as tasks). */
const taskLogLengths: number[][] = [];
for (const [instruction, ys] of byInstruction) {
  const candidates: Array<[string, number]> = [[BASELINE, theta.get(BASELINE)!], ...[...ys].map(([m, y]): [string, number] => [m, theta.get(m)! + DELTA * (y - sums.get(m)!.s / sums.get(m)!.n)])];
  for (let i = candidates.length - 1; i > 0; i--) {
    const k = Math.floor(taskRng() * (i + 1));
    [candidates[i], candidates[k]] = [candidates[k], candidates[i]];
  }
  if (candidates.length < K) continue;
  tasks.push(candidates.slice(0, K).map(([, u]) => u));
  taskLogLengths.push(candidates.slice(0, K).map(([m]) => Math.log(1 + lengths.get(instruction)!.get(m)!)));
}

/** Mean chance that two annotators order a pair alike, p² + (1 − p)² with p = σ(Δu / τ) (Plackett–Luce's pairwise marginal). */
function agreementAt(tau: number): number {
  let s = 0;
  let n = 0;
  for (const u of tasks) {
    for (let i = 0; i < K; i++) {
      for (let j = i + 1; j < K; j++) {
        const p = 1 / (1 + Math.exp(-(u[i] - u[j]) / tau));
        s += p * p + (1 - p) * (1 - p);
        n++;
      }
    }
  }
  return s / n;
}
let [lo, hi] = [1e-3, 100];
for (let it = 0; it < 100; it++) {
  const mid = Math.sqrt(lo * hi);
  if (agreementAt(mid) > HUMAN_AGREEMENT) lo = mid;
  else hi = mid;
}
const tau = Math.sqrt(lo * hi);

/**
 * The true prior: the distribution of σ(Δu / τ) over every task's pairs. The app cannot know it; the voiTruePrior rule
 * uses it to show whether a better calibrated prior would gain (a reference, not a rule to ship).
 */
const truePrior = gridPrior(
  `true-${DELTA}`,
  tasks.flatMap((u) => u.flatMap((x, i) => u.slice(i + 1).map((y) => 1 / (1 + Math.exp(-(x - y) / tau))))),
);
type Prior = "beta" | "logitNormal" | "truth";
const PRIORS: Prior[] = ["beta", "logitNormal", "truth"];

/** One annotator's ranking of a task: Plackett–Luce, best first (Gumbel-max: sort by score + Gumbel noise). */
function drawRanking(u: number[], rng: () => number): number[] {
  const keyed = u.map((x, i) => ({ i, key: x / tau - Math.log(-Math.log(rng())) }));
  return keyed.sort((a, b) => b.key - a.key).map((k) => k.i);
}

/** Share of the output pairs (distinct utilities) a consensus order (ids "0".."K−1", best first) puts as the ground truth does. */
function orderAccuracy(u: number[], order: string[]): number {
  const pos = new Map(order.map((id, r) => [Number(id), r]));
  let right = 0;
  let pairs = 0;
  for (let i = 0; i < K; i++) {
    for (let j = i + 1; j < K; j++) {
      if (u[i] === u[j]) continue;
      pairs++;
      if (u[i] > u[j] === pos.get(i)! < pos.get(j)!) right++;
    }
  }
  return right / pairs;
}

/** Per prompt and n = 1..MAX_N: the consensus's pairwise accuracy, Kendall's W, the pairwise confidence and the other rules' figures after the first n rankings. */
function simulate(seed: number) {
  const rng = createRng(seed);
  const acc: number[][] = [];
  const w: Array<Array<number | null>> = [];
  const conf: Array<Array<number | null>> = [];
  /** gains[kind][prompt][n − 1][m − 1]: expected accuracy gain from m more rankings after n (tests/bench/routing-value.ts). */
  const gains: Record<Prior, number[][][]> = { beta: [], logitNormal: [], truth: [] };
  /** Plackett–Luce posterior's expected accuracy A and the value of the next ranking (tests/bench/routing-pl.ts). */
  const plA: number[][] = [];
  const plV: number[][] = [];
  for (const u of tasks) {
    const pa: number[] = [];
    const pv: number[] = [];
    const orders: number[][] = [];
    let post: Posterior | undefined;
    const g: Record<Prior, number[][]> = { beta: [], logitNormal: [], truth: [] };
    const rankings: string[][][] = [];
    const a: number[] = [];
    const ws: Array<number | null> = [];
    const cs: Array<number | null> = [];
    for (let n = 1; n <= MAX_N; n++) {
      const drawn = drawRanking(u, rng);
      orders.push(drawn);
      rankings.push(drawn.map((i) => [String(i)]));
      const c = consensusOrder(rankings.map((order) => ({ order })));
      a.push(orderAccuracy(u, c.order));
      ws.push(c.agreement.kendallW);
      cs.push(pairwiseConfidence(rankings.map((order) => order)));
      const counts = pairCounts(rankings)!;
      post = plPosterior(orders, K, post?.mu);
      pa.push(expectedAccuracy(post));
      pv.push(n < MAX_N ? valueOfNext(post) : 0);
      for (const prior of PRIORS) g[prior].push(Array.from({ length: MAX_N - n }, (_, m) => expectedGain(counts, m + 1, prior === "truth" ? truePrior : prior)));
    }
    for (const prior of PRIORS) gains[prior].push(g[prior]);
    plA.push(pa);
    plV.push(pv);
    acc.push(a);
    w.push(ws);
    conf.push(cs);
  }
  return { acc, w, conf, gains, plA, plV };
}

type Sim = ReturnType<typeof simulate>;
const mean = (xs: number[]) => xs.reduce((s, x) => s + x, 0) / xs.length;
const fixedCurve = (sim: Sim) => Array.from({ length: MAX_N }, (_, k) => mean(sim.acc.map((a) => a[k])));

type Signal = "w" | "conf" | "confSlope" | "voiBeta" | "voiLogitNormal" | "voiTruePrior" | "plConf" | "plValue";
/** threshold: the stop figure to reach (W, confidence) or the price per ranking the value must fall below (voi*); slope: confSlope's fall in the confidence threshold per ranking past min. */
type Policy = { signal: Signal; min: number; max: number; threshold: number; slope?: number };
/** v = max over m ≤ remaining of G(m) / m (tests/bench/routing-value.ts rankingValue), from the stored gains. */
function valueOf(g: number[], remaining: number): number {
  let best = 0;
  for (let m = 1; m <= remaining && m <= g.length; m++) best = Math.max(best, g[m - 1] / m);
  return best;
}
function stops(sim: Sim, i: number, n: number, p: Policy): boolean {
  switch (p.signal) {
    case "w":
    case "conf":
      return (sim[p.signal][i][n - 1] ?? -1) >= p.threshold;
    case "confSlope":
      return (sim.conf[i][n - 1] ?? -1) >= p.threshold - (p.slope ?? 0) * (n - p.min);
    case "voiBeta":
      return valueOf(sim.gains.beta[i][n - 1], p.max - n) < p.threshold;
    case "voiLogitNormal":
      return valueOf(sim.gains.logitNormal[i][n - 1], p.max - n) < p.threshold;
    case "voiTruePrior":
      return valueOf(sim.gains.truth[i][n - 1], p.max - n) < p.threshold;
    case "plConf":
      return sim.plA[i][n - 1] >= p.threshold;
    case "plValue":
      return sim.plV[i][n - 1] < p.threshold;
  }
}
function routed(sim: Sim, p: Policy) {
  let cost = 0;
  const accs: number[] = [];
  sim.acc.forEach((a, i) => {
    let n = p.min;
    while (n < p.max && !stops(sim, i, n, p)) n++;
    cost += n;
    accs.push(a[n - 1]);
  });
  return { perPrompt: cost / sim.acc.length, accuracy: mean(accs) };
}

/** Rankings per prompt a fixed overlap needs for `accuracy`, interpolated on its curve; null when no overlap up to MAX_N reaches it. */
function fixedCostFor(curve: number[], accuracy: number): number | null {
  if (accuracy <= curve[0]) return 1;
  for (let n = 1; n < curve.length; n++) {
    if (curve[n] >= accuracy && curve[n] > curve[n - 1]) return n + (accuracy - curve[n - 1]) / (curve[n] - curve[n - 1]);
  }
  return null;
}

const pool = (sims: Sim[]) =>
  sims.reduce((x, y) => ({ acc: [...x.acc, ...y.acc], w: [...x.w, ...y.w], conf: [...x.conf, ...y.conf], gains: { beta: [...x.gains.beta, ...y.gains.beta], logitNormal: [...x.gains.logitNormal, ...y.gains.logitNormal], truth: [...x.gains.truth, ...y.gains.truth] }, plA: [...x.plA, ...y.plA], plV: [...x.plV, ...y.plV] }));
const tuning = pool(TUNING_SEEDS.map((seed) => simulate(seed)));
const evaluation = pool(EVAL_SEEDS.map((seed) => simulate(seed)));
const tuneCurve = fixedCurve(tuning);
const evalCurve = fixedCurve(evaluation);
/**
 * The tuning grid per signal: min 2-3 (the app's minOverlap is at least 2) and max up to 9; W's thresholds 0.30-0.95 by 0.05 (as
 * before), confidence's 0.60-0.97 by 0.01 (confSlope's also with a fall of 0-0.05 per ranking past min), the value rules' price
 * per ranking 0.001-0.05 on a log scale (40 steps).
 */
function gridFor(signal: Signal): Policy[] {
  const grid: Policy[] = [];
  const thresholds =
    signal === "w"
      ? range(30, 95, 5).map((t) => t / 100)
      : signal === "conf" || signal === "confSlope"
        ? range(60, 97, 1).map((t) => t / 100)
        : signal === "plConf"
          ? range(600, 995, 5).map((t) => t / 1000)
          : range(0, 39, 1).map((k) => 0.0005 * Math.pow(100, k / 39));
  const slopes = signal === "confSlope" ? [0.01, 0.02, 0.03, 0.04, 0.05] : [undefined];
  for (const min of [2, 3]) for (let max = min + 1; max <= MAX_N; max++) for (const threshold of thresholds) for (const slope of slopes) grid.push({ signal, min, max, threshold, ...(slope === undefined ? {} : { slope }) });
  return grid;
}
function range(from: number, to: number, step: number): number[] {
  const xs: number[] = [];
  for (let t = from; t <= to; t += step) xs.push(t);
  return xs;
}

const resultsFor = (signal: Signal) => FIXED_TARGETS.map((n) => {
  const grid = gridFor(signal);
  // Tuning: the cheapest routing whose accuracy reaches fixed overlap n's on the tuning draws.
  const target = tuneCurve[n - 1];
  const ok = grid.map((p) => ({ p, r: routed(tuning, p) })).filter((x) => x.r.accuracy >= target);
  ok.sort((x, y) => x.r.perPrompt - y.r.perPrompt);
  const chosen = ok[0]?.p ?? null;
  if (!chosen) return { fixedOverlap: n, policy: null, saving: null };
  // Evaluation: fresh draws; the fixed overlap's cost to reach the accuracy routing reached there.
  const r = routed(evaluation, chosen);
  const fixedCost = fixedCostFor(evalCurve, r.accuracy);
  return {
    fixedOverlap: n,
    policy: chosen,
    routedRankingsPerPrompt: Math.round(r.perPrompt * 1000) / 1000,
    routedAccuracy: Math.round(r.accuracy * 10000) / 10000,
    fixedAccuracy: Math.round(evalCurve[n - 1] * 10000) / 10000,
    fixedRankingsForSameAccuracy: fixedCost === null ? null : Math.round(fixedCost * 1000) / 1000,
    saving: fixedCost === null ? null : Math.round((1 - r.perPrompt / fixedCost) * 1000) / 1000,
  };
});
const byW = resultsFor("w");
const results = resultsFor("conf");
const bySlope = resultsFor("confSlope");
const byValueBeta = resultsFor("voiBeta");
const byValueLogitNormal = resultsFor("voiLogitNormal");
const byValueTruePrior = resultsFor("voiTruePrior");
const byPlConf = resultsFor("plConf");
const byPlValue = resultsFor("plValue");

// The reward model's top-two margin as a routing signal (tests/bench/routing-reward.ts): synthetic reward models at a
// stated pairwise accuracy against the ground truth (noise drawn afresh per set of annotator draws), and output length.
/** Pairwise accuracies against the ground truth ("truth") and against one annotator's label ("label", what held-out reward-model accuracies measure). */
const REWARD_ACCURACIES: Array<[number, "truth" | "label"]> = [[0.65, "truth"], [0.7, "truth"], [0.75, "truth"], [0.85, "truth"], [1, "truth"], [0.65, "label"], [0.7, "label"]];
const rewardModels: Array<{ name: string; sigma?: number; scoresFor: (seed: number) => number[][] }> = [
  ...REWARD_ACCURACIES.map(([a, against]) => {
    const sigma = noiseForAccuracy(tasks, a, against === "label" ? tau : undefined);
    return { name: against === "truth" ? `synthetic ${a}` : `synthetic label ${a}`, sigma, scoresFor: (seed: number) => noisyScores(tasks, sigma, createRng(1000 + seed)) };
  }),
  { name: "length", scoresFor: () => taskLogLengths },
];
/** Stop figures, higher = more settled: pairwise confidence (what the app can route on) and the negated Plackett–Luce value of one more ranking (bench only). */
const stopSignals = {
  conf: { stop: (sim: Sim) => sim.conf, thresholds: range(60, 97, 1).map((t) => t / 100) },
  plValue: { stop: (sim: Sim) => sim.plV.map((v) => v.map((x) => -x)), thresholds: range(0, 39, 1).map((k) => -0.0005 * Math.pow(100, k / 39)) },
};
/** The margin routed on: the top two's (the app's) or, bench only, the smallest gap between any two outputs. */
const margins = { topTwo: topTwoMargin, smallestGap };
const streamOf = (sim: Sim, seeds: number[], rm: (typeof rewardModels)[number], signal: keyof typeof stopSignals, margin: keyof typeof margins): Stream => ({ acc: sim.acc, stop: stopSignals[signal].stop(sim), margin: seeds.flatMap((seed) => rm.scoresFor(seed).map(margins[margin])) });
const round = (x: number, d: number) => Math.round(x * 10 ** d) / 10 ** d;
/** A policy for the JSON: an infinite threshold (a fixed overlap, or no margin threshold) as null. */
const shown = (p: RewardPolicy) => JSON.parse(JSON.stringify(p, (_, v) => (typeof v === "number" && !Number.isFinite(v) ? null : typeof v === "number" ? round(v, 4) : v))) as unknown;
/**
 * Not routing alone (bench only; the app's consensus does not do it): the consensus of n rankings plus the reward model's
 * order as one more ranking, at the cost of the n, with the pairwise confidence of the same n + 1 orders. Per prompt and
 * n over the given draws (the same annotator draws as simulate's: one rng per seed, MAX_N rankings task by task).
 */
function rewardAsRanking(rm: (typeof rewardModels)[number], seeds: number[]): Stream {
  const acc: number[][] = [];
  const conf: Array<Array<number | null>> = [];
  for (const seed of seeds) {
    const rng = createRng(seed);
    const scores = rm.scoresFor(seed);
    tasks.forEach((u, t) => {
      const rankings: string[][][] = [u.map((_, i) => i).sort((x, y) => scores[t][y] - scores[t][x]).map((i) => [String(i)])];
      const [a, c]: [number[], Array<number | null>] = [[], []];
      for (let n = 1; n <= MAX_N; n++) {
        rankings.push(drawRanking(u, rng).map((i) => [String(i)]));
        a.push(orderAccuracy(u, consensusOrder(rankings.map((order) => ({ order }))).order));
        c.push(pairwiseConfidence(rankings));
      }
      acc.push(a);
      conf.push(c);
    });
  }
  return { acc, stop: conf, margin: acc.map(() => 0) };
}

const byReward = rewardModels.map((rm) => {
  const accuracy = mean(EVAL_SEEDS.map((seed) => pairwiseAccuracy(tasks, rm.scoresFor(seed))));
  const agreement = mean(EVAL_SEEDS.map((seed) => labelAgreement(tasks, rm.scoresFor(seed), tau)));
  const combos = [["conf", "topTwo"], ["plValue", "topTwo"], ["conf", "smallestGap"], ["plValue", "smallestGap"]] as const;
  const rows = combos.flatMap(([signal, margin]) => {
    const tune = streamOf(tuning, TUNING_SEEDS, rm, signal, margin);
    const evalStream = streamOf(evaluation, EVAL_SEEDS, rm, signal, margin);
    const chosen = tuneRewardPolicies(tune, FIXED_TARGETS.map((n) => tuneCurve[n - 1]), { mins: [2, 3], maxN: MAX_N, thresholds: stopSignals[signal].thresholds });
    // The app routes on confidence and the top-two margin only; the other combinations are measured with byMargin (bench only).
    return (["app", "byMargin"] as const)
      .filter((kind) => (signal === "conf" && margin === "topTwo") || kind === "byMargin")
      .map((kind) => ({
        signal,
        margin,
        kind,
        results: FIXED_TARGETS.map((n, t) => {
          const p = chosen[t][kind];
          if (!p) return { fixedOverlap: n, policy: null, saving: null, tuningSaving: null };
          const r = routeWithReward(evalStream, p);
          const fixedCost = fixedCostFor(evalCurve, r.accuracy);
          // The same policy on the draws it was tuned on: an optimistic figure, to show whether the margin helps even there.
          const rt = routeWithReward(tune, p);
          const tuneFixedCost = fixedCostFor(tuneCurve, rt.accuracy);
          return {
            fixedOverlap: n,
            policy: shown(p),
            routedRankingsPerPrompt: round(r.perPrompt, 3),
            routedAccuracy: round(r.accuracy, 4),
            fixedRankingsForSameAccuracy: fixedCost === null ? null : round(fixedCost, 3),
            saving: fixedCost === null ? null : round(1 - r.perPrompt / fixedCost, 3),
            tuningSaving: tuneFixedCost === null ? null : round(1 - rt.perPrompt / tuneFixedCost, 3),
          };
        }),
      }));
  });
  const evalWith = rewardAsRanking(rm, EVAL_SEEDS);
  const curve = Array.from({ length: MAX_N }, (_, k) => mean(evalWith.acc.map((a) => a[k])));
  const asRanking = FIXED_TARGETS.map((n) => {
    // rankings a prompt needs, with the reward model's order counted free, for fixed overlap n's accuracy (interpolated)
    const need = fixedCostFor(curve, evalCurve[n - 1]);
    return { fixedOverlap: n, rankingsPerPrompt: need === null ? null : round(need, 3), saving: need === null ? null : round(1 - need / n, 3) };
  });
  // With confidence routing on top: the app's rule with settings.rewardAsRanking (lib/rankings/consensus-state.ts), where
  // minOverlap may be 1 (one person and the reward model). (min 1-3, max, threshold) tuned on the tuning draws, as for the
  // other rules, for the reward models a team could have (the noise-free and 0.85 ones would need no annotators to speak of).
  const routedToo = rm.name === "length" || rm.name.startsWith("synthetic label") || accuracy <= 0.76
    ? (() => {
        const tuneWith = rewardAsRanking(rm, TUNING_SEEDS);
        const chosen = tuneRewardPolicies(tuneWith, FIXED_TARGETS.map((n) => tuneCurve[n - 1]), { mins: [1, 2, 3], maxN: MAX_N, thresholds: stopSignals.conf.thresholds });
        return FIXED_TARGETS.map((n, t) => {
          const p = chosen[t].app;
          if (!p) return { fixedOverlap: n, policy: null, saving: null };
          const r = routeWithReward(evalWith, p);
          const fixedCost = fixedCostFor(evalCurve, r.accuracy);
          return { fixedOverlap: n, policy: shown(p), routedRankingsPerPrompt: round(r.perPrompt, 3), routedAccuracy: round(r.accuracy, 4), fixedRankingsForSameAccuracy: fixedCost === null ? null : round(fixedCost, 3), saving: fixedCost === null ? null : round(1 - r.perPrompt / fixedCost, 3) };
        });
      })()
    : null;
  return { rewardModel: rm.name, ...(rm.sigma === undefined ? {} : { sigma: round(rm.sigma, 4) }), pairwiseAccuracy: round(accuracy, 4), agreementWithOneAnnotator: round(agreement, 4), rows, asRanking: { accuracy: curve.map((x) => round(x, 4)), results: asRanking, withConfidenceRouting: routedToo } };
});

if (!wantJson) {
  console.log(`${tasks.length} tasks of ${K} outputs; τ = ${tau.toFixed(3)} gives ${(100 * agreementAt(tau)).toFixed(1)}% pairwise agreement between two annotators`);
  console.log(`fixed overlap accuracy (evaluation draws): ${evalCurve.map((a, k) => `${k + 1}: ${(100 * a).toFixed(1)}%`).join(", ")}`);
  const sections: Array<[string, typeof results]> = [
    ["routing on Kendall's W (the rule before):", byW],
    ["routing on pairwise confidence:", results],
    ["routing on pairwise confidence, threshold falling with n (confSlope):", bySlope],
    ["routing on the value of one more ranking, Beta prior (voiBeta):", byValueBeta],
    ["routing on the value of one more ranking, logit-normal prior (voiLogitNormal):", byValueLogitNormal],
    ["routing on the value of one more ranking, the simulation's true distribution of pair probabilities as prior (voiTruePrior; the app cannot know it):", byValueTruePrior],
    ["routing on the Plackett–Luce posterior's expected accuracy (plConf):", byPlConf],
    ["routing on the value of one more ranking under the Plackett–Luce posterior (plValue):", byPlValue],
  ];
  for (const [title, rs] of sections) {
    console.log(title);
    for (const r of rs) console.log(JSON.stringify(r));
  }
  console.log("routing with the reward model's margin (app: top-two margin below a threshold → maxOverlap, else confidence routing; byMargin, bench only: each margin group its own min, max and threshold; in brackets the same policy on its tuning draws):");
  for (const r of byReward) {
    console.log(`  reward model ${r.rewardModel}: pairwise accuracy against the ground truth ${(100 * r.pairwiseAccuracy).toFixed(1)}%, agreement with one annotator's label ${(100 * r.agreementWithOneAnnotator).toFixed(1)}%`);
    console.log(`    its order as one more ranking in the consensus (not routing): ${r.asRanking.results.map((x) => `overlap ${x.fixedOverlap}: ${x.saving === null ? "n/a" : `${(100 * x.saving).toFixed(1)}%`}`).join(", ")}`);
    if (r.asRanking.withConfidenceRouting) console.log(`    the same, with confidence routing from one person (the app's rewardAsRanking): ${r.asRanking.withConfidenceRouting.map((x) => `overlap ${x.fixedOverlap}: ${x.saving === null ? "n/a" : `${(100 * x.saving).toFixed(1)}%`}`).join(", ")}`);
    for (const row of r.rows) console.log(`    ${row.kind} on ${row.signal}, ${row.margin} margin: ${row.results.map((x) => `overlap ${x.fixedOverlap}: ${x.saving === null ? "n/a" : `${(100 * x.saving).toFixed(1)}%`}${x.tuningSaving !== null ? ` (tuning draws ${(100 * x.tuningSaving).toFixed(1)}%)` : ""}`).join(", ")}`);
  }
}
const at5 = results.find((r) => r.fixedOverlap === 5)!;
const at5W = byW.find((r) => r.fixedOverlap === 5)!;
/** What the app can run with a reward model it could have (accuracy at most 0.75 against the truth, 0.65-0.70 against labels, or length): the app policy's saving at overlap 5. */
const realisticRewardAt5 = byReward
  .filter((r) => r.rewardModel === "length" || r.rewardModel.startsWith("synthetic label") || r.pairwiseAccuracy <= 0.76)
  .map((r) => ({ rewardModel: r.rewardModel, saving: r.rows.find((row) => row.kind === "app")!.results.find((x) => x.fixedOverlap === 5)!.saving }));
/** The app's rewardAsRanking rule (its order as one more ranking, confidence routing from minOverlap 1) with the same realistic reward models, at overlap 5. */
const realisticAsRankingAt5 = byReward
  .filter((r) => r.asRanking.withConfidenceRouting !== null)
  .map((r) => ({ rewardModel: r.rewardModel, saving: r.asRanking.withConfidenceRouting!.find((x) => x.fixedOverlap === 5)!.saving, policy: r.asRanking.withConfidenceRouting!.find((x) => x.fixedOverlap === 5)!.policy ?? null }));
if (!wantJson) console.log(`at overlap 5, the app's rewardAsRanking rule saves: ${realisticAsRankingAt5.map((r) => `${r.rewardModel} ${r.saving === null ? "n/a" : `${(100 * r.saving).toFixed(1)}%`}`).join(", ")}`);
report({
  bench: "routing",
  figures: { tasks: tasks.length, k: K, delta: DELTA, tau, annotatorAgreement: agreementAt(tau), fixedAccuracy: evalCurve, results, byKendallW: byW, savingByKendallWAt5: at5W.saving ?? null, otherRules: { confSlope: bySlope, voiBeta: byValueBeta, voiLogitNormal: byValueLogitNormal, voiTruePrior: byValueTruePrior, plConf: byPlConf, plValue: byPlValue }, rewardMargin: byReward, savingByRewardMarginAt5: realisticRewardAt5, savingByRewardAsRankingAt5: realisticAsRankingAt5 },
  // the ratio: the app's best rule with a reward model at the rm stage's held-out accuracy (label 0.65), its order counted as a ranking; confidence alone is figures.results
  baseline: { fixedOverlap: 5, rankingsPerPrompt: byReward.find((r) => r.rewardModel === "synthetic label 0.65")?.asRanking.withConfidenceRouting?.find((x) => x.fixedOverlap === 5)?.fixedRankingsForSameAccuracy ?? null, rule: "rewardAsRanking with confidence routing, reward model agreeing with one annotator's label 65% of the time" },
  ratio: realisticAsRankingAt5.find((r) => r.rewardModel === "synthetic label 0.65")?.saving ?? null,
  targets: { saving: ">= 0.25 fewer rankings than a fixed overlap of 5 for the same consensus accuracy" },
  // met if the app's confidence routing, or one of the app's reward rules (the margin, or the order counted as a ranking) with a
  // reward model at the held-out accuracy the rm stage reports (0.65 against annotators' labels), saves 25% at overlap 5
  met: (at5.saving ?? 0) >= 0.25 || [...realisticRewardAt5, ...realisticAsRankingAt5].some((r) => r.rewardModel === "synthetic label 0.65" && (r.saving ?? 0) >= 0.25),
});
