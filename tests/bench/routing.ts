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
import fs from "node:fs";
import path from "node:path";
import zlib from "node:zlib";
import { consensusOrder } from "@/lib/consensus/consensus";
import { pairwiseConfidence } from "@/lib/consensus/pairwise-confidence";
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

type Judgment = { instruction: string; generator_1: string; generator_2: string; preference: number | null };
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

// Tasks: K outputs per instruction (the baseline's output counts as one of the candidates), true utilities.
const taskRng = createRng(19);
const tasks: number[][] = [];
for (const ys of [...byInstruction.values()]) {
  const candidates: Array<[string, number]> = [[BASELINE, theta.get(BASELINE)!], ...[...ys].map(([m, y]): [string, number] => [m, theta.get(m)! + DELTA * (y - sums.get(m)!.s / sums.get(m)!.n)])];
  for (let i = candidates.length - 1; i > 0; i--) {
    const k = Math.floor(taskRng() * (i + 1));
    [candidates[i], candidates[k]] = [candidates[k], candidates[i]];
  }
  if (candidates.length >= K) tasks.push(candidates.slice(0, K).map(([, u]) => u));
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

/** One annotator's ranking of a task: Plackett–Luce, best first (Gumbel-max: sort by score + Gumbel noise). */
function drawRanking(u: number[], rng: () => number): number[] {
  const keyed = u.map((x, i) => ({ i, key: x / tau - Math.log(-Math.log(rng())) }));
  return keyed.sort((a, b) => b.key - a.key).map((k) => k.i);
}

/** Per prompt and n = 1..MAX_N: the consensus's pairwise accuracy, Kendall's W and the pairwise confidence after the first n rankings. */
function simulate(seed: number) {
  const rng = createRng(seed);
  const acc: number[][] = [];
  const w: Array<Array<number | null>> = [];
  const conf: Array<Array<number | null>> = [];
  for (const u of tasks) {
    const rankings: string[][][] = [];
    const a: number[] = [];
    const ws: Array<number | null> = [];
    const cs: Array<number | null> = [];
    for (let n = 1; n <= MAX_N; n++) {
      rankings.push(drawRanking(u, rng).map((i) => [String(i)]));
      const c = consensusOrder(rankings.map((order) => ({ order })));
      const pos = new Map(c.order.map((id, r) => [Number(id), r]));
      let right = 0;
      let pairs = 0;
      for (let i = 0; i < K; i++) {
        for (let j = i + 1; j < K; j++) {
          if (u[i] === u[j]) continue;
          pairs++;
          if (u[i] > u[j] === pos.get(i)! < pos.get(j)!) right++;
        }
      }
      a.push(right / pairs);
      ws.push(c.agreement.kendallW);
      cs.push(pairwiseConfidence(rankings.map((order) => order)));
    }
    acc.push(a);
    w.push(ws);
    conf.push(cs);
  }
  return { acc, w, conf };
}

type Sim = ReturnType<typeof simulate>;
const mean = (xs: number[]) => xs.reduce((s, x) => s + x, 0) / xs.length;
const fixedCurve = (sim: Sim) => Array.from({ length: MAX_N }, (_, k) => mean(sim.acc.map((a) => a[k])));

type Signal = "w" | "conf";
type Policy = { signal: Signal; min: number; max: number; threshold: number };
function routed(sim: Sim, p: Policy) {
  let cost = 0;
  const accs: number[] = [];
  sim.acc.forEach((a, i) => {
    let n = p.min;
    while (n < p.max && !((sim[p.signal][i][n - 1] ?? -1) >= p.threshold)) n++;
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

const pool = (sims: Sim[]) => sims.reduce((x, y) => ({ acc: [...x.acc, ...y.acc], w: [...x.w, ...y.w], conf: [...x.conf, ...y.conf] }));
const tuning = pool(TUNING_SEEDS.map(simulate));
const evaluation = pool(EVAL_SEEDS.map(simulate));
const tuneCurve = fixedCurve(tuning);
const evalCurve = fixedCurve(evaluation);
/** The tuning grid per signal: min 2-3 (the app's minOverlap is at least 2) and max up to 9; W's thresholds 0.30-0.95 by 0.05 (as before), confidence's 0.60-0.97 by 0.01. */
function gridFor(signal: Signal): Policy[] {
  const grid: Policy[] = [];
  const mins = [2, 3];
  const [from, to, step] = signal === "w" ? [30, 95, 5] : [60, 97, 1];
  for (const min of mins) for (let max = min + 1; max <= MAX_N; max++) for (let t = from; t <= to; t += step) grid.push({ signal, min, max, threshold: t / 100 });
  return grid;
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

if (!wantJson) {
  console.log(`${tasks.length} tasks of ${K} outputs; τ = ${tau.toFixed(3)} gives ${(100 * agreementAt(tau)).toFixed(1)}% pairwise agreement between two annotators`);
  console.log(`fixed overlap accuracy (evaluation draws): ${evalCurve.map((a, k) => `${k + 1}: ${(100 * a).toFixed(1)}%`).join(", ")}`);
  console.log("routing on Kendall's W (the rule before):");
  for (const r of byW) console.log(JSON.stringify(r));
  console.log("routing on pairwise confidence:");
  for (const r of results) console.log(JSON.stringify(r));
}
const at5 = results.find((r) => r.fixedOverlap === 5)!;
const at5W = byW.find((r) => r.fixedOverlap === 5)!;
report({
  bench: "routing",
  figures: { tasks: tasks.length, k: K, delta: DELTA, tau, annotatorAgreement: agreementAt(tau), fixedAccuracy: evalCurve, results, byKendallW: byW, savingByKendallWAt5: at5W.saving ?? null },
  baseline: { fixedOverlap: 5, rankingsPerPrompt: at5.fixedRankingsForSameAccuracy ?? null },
  ratio: at5.saving ?? null,
  targets: { saving: ">= 0.25 fewer rankings than a fixed overlap of 5 for the same consensus accuracy" },
  met: (at5.saving ?? 0) >= 0.25,
});
