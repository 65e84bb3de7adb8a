// Pure parts of the Evaluation read-out: pairwise outcomes between model versions from rankings, win rates per category
// with the release gate's bootstrap interval, and the improved/regressed marks for win rates and held-out loss.
import { winRateWithCi, type PairwiseOutcome } from "@/lib/leaderboard/leaderboard";

/** Rankings without a category count under this name, as exports and the Diversity page name them. */
export const NO_CATEGORY = "(none)";
/** The bootstrap the release gate uses (lib/runs/gate.ts): same rounds and seed, so the figures agree. */
export const BOOTSTRAP = { rounds: 1000, seed: 1, confidence: 0.95 } as const;
/**
 * Judgments a win rate needs before it is marked: a percentile bootstrap of a handful of unanimous judgments is a
 * zero-width interval ([100, 100] after 2 wins), which would mark a version improved on two clicks.
 */
export const MARK_MIN_JUDGMENTS = 5;
/** A loss moves beyond noise when the change exceeds this many standard errors of the difference (≈ 95%). */
export const LOSS_NOISE_Z = 1.96;

export type Mark = "improved" | "regressed" | null;

/** One ranking that placed outputs of at least two versions: its prompt's category and which version wrote each ranked completion. */
export type VersionRanking = { category: string | null; order: string[][]; noneAcceptable: boolean; versions: Record<string, string> };
/** A judgment between two versions' outputs: a and b are version ids. */
export type VersionOutcome = PairwiseOutcome & { category: string };

/**
 * Each ranking gives one outcome per pair of ranked completions written by different versions: the earlier group wins,
 * the same group is a tie, and "none acceptable" is a tie (both bad), as the release gate counts it.
 */
export function versionOutcomes(rows: VersionRanking[]): VersionOutcome[] {
  const out: VersionOutcome[] = [];
  for (const r of rows) {
    const placed = r.order.flatMap((group, rank) => group.flatMap((id) => (r.versions[id] ? [{ v: r.versions[id], rank }] : [])));
    for (let i = 0; i < placed.length; i++) {
      for (let j = i + 1; j < placed.length; j++) {
        const [x, y] = [placed[i], placed[j]];
        if (x.v === y.v) continue;
        const winner = r.noneAcceptable || x.rank === y.rank ? "tie" : x.rank < y.rank ? "a" : "b";
        out.push({ a: x.v, b: y.v, winner, category: r.category ?? NO_CATEGORY });
      }
    }
  }
  return out;
}

export type WinCell = { against: string; winRate: number | null; ci: [number, number] | null; n: number; wins: number; losses: number; ties: number; mark: Mark };

/** Marked when at least MARK_MIN_JUDGMENTS judgments and the interval excludes 50%. */
export function winMark(n: number, ci: [number, number] | null): Mark {
  if (!ci || n < MARK_MIN_JUDGMENTS) return null;
  return ci[0] > 50 ? "improved" : ci[1] < 50 ? "regressed" : null;
}

/** `model`'s win rate against `opponent`, overall and per category, over the outcomes between just those two. */
export function winRatesBetween(outcomes: VersionOutcome[], model: string, opponent: string, againstLabel: string): { all: WinCell; byCategory: Record<string, WinCell> } {
  // In a fixed order (category, then the model's score): the seeded bootstrap then depends on the counts alone, not on
  // the order the database returned the rankings in.
  const score = (o: VersionOutcome) => (o.winner === "tie" ? 0.5 : (o.winner === "a") === (o.a === model) ? 1 : 0);
  const between = outcomes
    .filter((o) => (o.a === model && o.b === opponent) || (o.a === opponent && o.b === model))
    .sort((x, y) => (x.category < y.category ? -1 : x.category > y.category ? 1 : score(x) - score(y)));
  const cell = (os: VersionOutcome[]): WinCell => {
    const r = winRateWithCi(os, { model, baseline: opponent, ...BOOTSTRAP });
    return { against: againstLabel, winRate: r.winRate, ci: r.ci, n: r.n, wins: r.wins, losses: r.losses, ties: r.ties, mark: winMark(r.n, r.ci) };
  };
  const byCategory: Record<string, WinCell> = {};
  for (const category of [...new Set(between.map((o) => o.category))].sort()) byCategory[category] = cell(between.filter((o) => o.category === category));
  return { all: cell(between), byCategory };
}

/** Lower loss is better: marked when |Δ| > LOSS_NOISE_Z · √(se₁² + se₂²); without both standard errors, unmarked. */
export function lossMark(now: { loss: number; se: number | null } | null, before: { loss: number; se: number | null } | null): Mark {
  if (!now || !before || now.se === null || before.se === null) return null;
  const noise = LOSS_NOISE_Z * Math.sqrt(now.se ** 2 + before.se ** 2);
  const delta = now.loss - before.loss;
  return delta < -noise ? "improved" : delta > noise ? "regressed" : null;
}

/** The version a version is compared with as "previous": its parent when that is a version of the project, else the one registered just before it. */
export function previousVersions<V extends { id: string; parentId: string | null; createdAt: Date }>(versions: V[]): Map<string, V | null> {
  const sorted = [...versions].sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime() || (a.id < b.id ? -1 : 1));
  const byId = new Map(sorted.map((v) => [v.id, v]));
  return new Map(sorted.map((v, i) => [v.id, (v.parentId && byId.get(v.parentId)) || (i > 0 ? sorted[i - 1] : null)]));
}
