// Leaderboard: win rates, Bradley–Terry ratings and bootstrap CIs; AlpacaEval's published win rates reproduced from its judgments.
import fs from "node:fs";
import path from "node:path";
import readline from "node:readline";
import zlib from "node:zlib";
import { describe, expect, it } from "vitest";
import { computeLeaderboard, winRateWithCi, type PairwiseOutcome } from "@/lib/leaderboard/leaderboard";

const repoRoot = path.resolve(import.meta.dirname, "../../..");
const dataDir = path.join(path.dirname(repoRoot), "shared", "data");
const judgmentsFile = path.join(dataDir, "alpaca-eval-judgments.jsonl.gz");
const leaderboardFile = path.join(dataDir, "alpaca-eval-leaderboard.json");
const haveData = fs.existsSync(judgmentsFile) && fs.existsSync(leaderboardFile);

const o = (a: string, b: string, winner: PairwiseOutcome["winner"], weight?: number): PairwiseOutcome => ({ a, b, winner, weight });

describe("computeLeaderboard", () => {
  it("counts ties half, leaves nulls out, and reads either side of the pair", () => {
    const outcomes = [o("m", "base", "a"), o("base", "m", "a"), o("m", "base", "tie"), o("base", "m", "b"), o("m", "base", null)];
    const lb = computeLeaderboard(outcomes, { baseline: "base", rounds: 20 });
    const m = lb.models.find((r) => r.model === "m")!;
    // m: win, loss, tie, win → (2 + 0.5) / 4
    expect(m.vsBaseline!.winRate).toBeCloseTo(62.5, 12);
    expect(m.vsBaseline!.n).toBe(4);
    expect(m.comparisons).toBe(4);
    expect(lb.models.find((r) => r.model === "base")!.vsBaseline).toBeNull();
  });

  it("weights judgments", () => {
    const lb = computeLeaderboard([o("m", "base", "a", 3), o("m", "base", "b", 1)], { baseline: "base", rounds: 10 });
    expect(lb.models.find((r) => r.model === "m")!.vsBaseline!.winRate).toBeCloseTo(75, 12);
  });

  it("puts Bradley–Terry ratings on an Elo scale around 1000 and orders models by them", () => {
    const outcomes: PairwiseOutcome[] = [];
    for (let k = 0; k < 30; k++) outcomes.push(o("strong", "base", k < 27 ? "a" : "b"), o("weak", "base", k < 9 ? "a" : "b"), o("strong", "weak", k < 24 ? "a" : "b"));
    const lb = computeLeaderboard(outcomes, { baseline: "base", rounds: 100, seed: 7 });
    expect(lb.models.map((r) => r.model)).toEqual(["strong", "base", "weak"]);
    const mean = lb.models.reduce((s, r) => s + r.rating, 0) / 3;
    expect(mean).toBeCloseTo(1000, 6);
    for (const r of lb.models) {
      expect(r.ratingCi[0]).toBeLessThanOrEqual(r.rating + 1e-9);
      expect(r.ratingCi[1]).toBeGreaterThanOrEqual(r.rating - 1e-9);
    }
    const log = computeLeaderboard(outcomes, { baseline: "base", rounds: 10, scale: "log" });
    const elo = (m: string) => lb.models.find((r) => r.model === m)!.rating;
    const s = (m: string) => log.models.find((r) => r.model === m)!.rating;
    expect(elo("strong") - elo("weak")).toBeCloseTo((400 / Math.LN10) * (s("strong") - s("weak")), 6);
  });

  it("is deterministic for a seed and varies with it", () => {
    const outcomes = Array.from({ length: 200 }, (_, k) => o(k % 3 ? "x" : "y", "base", k % 5 === 0 ? "b" : k % 7 === 0 ? "tie" : "a"));
    const a = computeLeaderboard(outcomes, { baseline: "base", seed: 1, rounds: 50 });
    const b = computeLeaderboard(outcomes, { baseline: "base", seed: 1, rounds: 50 });
    const c = computeLeaderboard(outcomes, { baseline: "base", seed: 2, rounds: 50 });
    expect(JSON.stringify(a)).toBe(JSON.stringify(b));
    expect(JSON.stringify(a.models.map((r) => r.ratingCi))).not.toBe(JSON.stringify(c.models.map((r) => r.ratingCi)));
  });
});

describe("winRateWithCi", () => {
  it("gives a bootstrap interval around the point estimate for a release gate", () => {
    const outcomes = Array.from({ length: 400 }, (_, k) => o("new", "old", k % 10 < 7 ? "a" : k % 10 < 9 ? "b" : "tie"));
    const r = winRateWithCi(outcomes, { model: "new", baseline: "old", rounds: 500, seed: 3 });
    expect(r.winRate).toBeCloseTo(75, 12); // 70% wins + 10% ties / 2
    expect(r.ci![0]).toBeGreaterThan(50);
    expect(r.ci![0]).toBeLessThan(75);
    expect(r.ci![1]).toBeGreaterThan(75);
    // 95% percentile interval ≈ ±1.96 SE
    expect(r.ci![1] - r.ci![0]).toBeCloseTo(2 * 1.96 * r.standardError!, 0);
    expect(winRateWithCi(outcomes, { model: "old", baseline: "new", rounds: 10 }).winRate).toBeCloseTo(25, 12);
    expect(winRateWithCi([], { model: "a", baseline: "b" })).toMatchObject({ winRate: null, ci: null, n: 0 });
  });
});

// AlpacaEval (v1 judgments, GPT-4 annotator): every row has generator_1 = text_davinci_003 (the
// reference) and generator_2 = the model; preference 1 = output_1 better, 2 = output_2, 0 = tie,
// null = no judgment. The published rule that reproduces leaderboard.json:
//   win_rate = 100 × (wins + ½ ties) / (wins + losses + ties), null judgments dropped from n;
//   standard_error = sample sd (n − 1) of the per-judgment scores {1, ½, 0} / √n, × 100.
describe.skipIf(!haveData)(`AlpacaEval leaderboard from ${dataDir}`, () => {
  it("reproduces the published win rates against text_davinci_003 within 0.01 points", async () => {
    const outcomes: PairwiseOutcome[] = [];
    const lines = readline.createInterface({ input: fs.createReadStream(judgmentsFile).pipe(zlib.createGunzip()), crlfDelay: Infinity });
    for await (const line of lines) {
      if (!line.trim()) continue;
      const row = JSON.parse(line) as { generator_1: string; generator_2: string; preference: number | null };
      const p = row.preference;
      const winner = p === null ? null : p === 0 ? "tie" : p === 1 ? "a" : p === 2 ? "b" : null;
      if (p !== null && winner === null) throw new Error(`unexpected preference ${p}`);
      outcomes.push({ a: row.generator_1, b: row.generator_2, winner });
    }
    const published = JSON.parse(fs.readFileSync(leaderboardFile, "utf8")) as Array<Record<string, string>>;
    const lb = computeLeaderboard(outcomes, { baseline: "text_davinci_003", rounds: 50, seed: 0 });
    expect(published.length).toBeGreaterThan(0);
    for (const p of published) {
      const row = lb.models.find((r) => r.model === p.model);
      expect(row, p.model).toBeDefined();
      const v = row!.vsBaseline!;
      expect(Math.abs(v.winRate! - Number(p.win_rate)), p.model).toBeLessThan(0.01);
      expect(Math.abs(v.standardError! - Number(p.standard_error)), p.model).toBeLessThan(0.01);
      expect(v.n, p.model).toBe(Number(p.n_total));
      expect(v.wins, p.model).toBe(Number(p.n_wins));
      expect(v.losses, p.model).toBe(Number(p.n_wins_base));
      expect(v.ties, p.model).toBe(Number(p.n_draws));
      expect(row!.ratingCi[0]).toBeLessThan(row!.rating);
      expect(row!.ratingCi[1]).toBeGreaterThan(row!.rating);
    }
    // Bradley–Terry on a star of judgments against one reference orders models as the win rates do.
    const byRate = [...published].sort((x, y) => Number(y.win_rate) - Number(x.win_rate)).map((p) => p.model);
    expect(lb.models.filter((r) => r.model !== "text_davinci_003").map((r) => r.model)).toEqual(byRate);
  });
});
if (!haveData) console.warn(`[leaderboard.test] skipping the AlpacaEval check: ${judgmentsFile} or ${leaderboardFile} not found (no ../shared beside the repo).`);
