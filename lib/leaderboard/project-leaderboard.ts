// A project's leaderboard: the pairwise outcomes its rankings imply between generators and model versions.
import "server-only";
import { getDb } from "@/db/client";
import { listRankingsWithGenerators } from "@/db/queries/leaderboard";
import { getProjectBySlug } from "@/db/queries/projects";
import { assertRole } from "@/lib/auth/roles";
import type { AnyActor } from "@/lib/projects/system-actor";
import { AppError } from "@/lib/errors";
import { computeLeaderboard, type Leaderboard, type PairwiseOutcome } from "./leaderboard";
import { fitStyleControlled, styleCovariates, styleFeatures, styleRows, type StyleCovariate, type StyledOutcome, type StyleFeatures, type StyleRow } from "./style-control";

/** Style-controlled ratings beside the raw ones (lib/leaderboard/style-control.ts): every covariate, one fit. */
export type StyleControl = { covariates: readonly StyleCovariate[]; coefficients: Partial<Record<StyleCovariate, number>>; rows: StyleRow[] };
export type ProjectLeaderboard = Leaderboard & { outcomes: number; style: StyleControl | null };

/**
 * Each ranking yields one outcome per pair of ranked completions from different generators:
 * the one in the earlier group wins, the same group is a tie. Human demonstrations (no
 * generator) take part as "human". With the completions' texts, each outcome also carries both sides' style counts.
 */
export function outcomesFromRankings(rows: Array<{ order: string[][]; generators: Record<string, string | null>; texts: Record<string, string> }>): StyledOutcome[];
export function outcomesFromRankings(rows: Array<{ order: string[][]; generators: Record<string, string | null>; texts?: Record<string, string> }>): PairwiseOutcome[];
export function outcomesFromRankings(rows: Array<{ order: string[][]; generators: Record<string, string | null>; texts?: Record<string, string> }>): PairwiseOutcome[] {
  const out: PairwiseOutcome[] = [];
  for (const { order, generators, texts } of rows) {
    const style = new Map<string, StyleFeatures>();
    const styleOf = (id: string) => style.get(id) ?? style.set(id, styleFeatures(texts?.[id] ?? "")).get(id)!;
    const placed = order.flatMap((group, rank) => group.map((id) => ({ id, gen: generators[id] ?? "human", rank })));
    for (let i = 0; i < placed.length; i++) {
      for (let j = i + 1; j < placed.length; j++) {
        const [x, y] = [placed[i], placed[j]];
        if (x.gen === y.gen) continue;
        const outcome: PairwiseOutcome = { a: x.gen, b: y.gen, winner: x.rank === y.rank ? "tie" : x.rank < y.rank ? "a" : "b" };
        const styled: StyledOutcome | null = texts ? { ...outcome, styleA: styleOf(x.id), styleB: styleOf(y.id) } : null;
        out.push(styled ?? outcome);
      }
    }
  }
  return out;
}

export async function projectLeaderboard(actor: AnyActor, opts: { projectSlug: string; baseline?: string; rounds?: number; seed?: number }): Promise<ProjectLeaderboard> {
  assertRole(actor, "reviewer");
  const db = getDb();
  const project = await getProjectBySlug(db, opts.projectSlug);
  if (!project) throw new AppError("not_found:project", `No project "${opts.projectSlug}".`, { projectSlug: ["Unknown project"] });
  const outcomes = outcomesFromRankings(await listRankingsWithGenerators(db, project.id));
  const models = new Set(outcomes.flatMap((o) => [o.a, o.b]));
  if (opts.baseline && !models.has(opts.baseline)) {
    throw new AppError("bad_request:leaderboard", `No outcomes involve baseline "${opts.baseline}".`, { baseline: [`Pick one of: ${[...models].sort().join(", ") || "(none yet)"}`] });
  }
  // Default baseline: the generator with the most comparisons.
  const count = new Map<string, number>();
  for (const o of outcomes) for (const m of [o.a, o.b]) count.set(m, (count.get(m) ?? 0) + 1);
  const baseline = opts.baseline ?? [...count].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))[0]?.[0] ?? "human";
  const board = computeLeaderboard(outcomes, { baseline, rounds: opts.rounds ?? 200, seed: opts.seed ?? 0 });
  return { ...board, outcomes: outcomes.length, style: styleControl(outcomes, board) };
}

/** The style-controlled fit beside the board's raw ratings; null without a judged outcome between two generators. */
function styleControl(outcomes: StyledOutcome[], board: Leaderboard): StyleControl | null {
  if (!outcomes.some((o) => o.winner !== null)) return null;
  const fit = fitStyleControlled(outcomes, { covariates: styleCovariates, scale: board.scale });
  return { covariates: styleCovariates, coefficients: fit.coefficients, rows: styleRows(new Map(board.models.map((m) => [m.model, m.rating])), fit.ratings) };
}
