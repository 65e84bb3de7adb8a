// A project's evaluation per category: for each model version, held-out loss and perplexity on its snapshot's eval
// split, win rates against the previous and the active version, and output lengths, each per category, with marks.
import "server-only";
import { getDb } from "@/db/client";
import { listOutputLengths, listVersionRankings } from "@/db/queries/evaluation";
import { listModelVersions } from "@/db/queries/runs";
import { projectBySlugOr404 } from "@/lib/projects/projects";
import { assertRole, type AnyActor } from "@/lib/auth/roles";
import { readCategoryMetrics } from "./category-metrics";
import { BOOTSTRAP, LOSS_NOISE_Z, lossMark, MARK_MIN_JUDGMENTS, NO_CATEGORY, previousVersions, versionOutcomes, winRatesBetween, type Mark, type WinCell } from "./compare";

export type LossCell = { loss: number; perplexity: number; se: number | null; tokens: number; examples: number; mark: Mark };
export type LengthCell = { outputs: number; meanChars: number; medianChars: number };
export type EvaluationCell = { loss: LossCell | null; vsPrevious: WinCell | null; vsActive: WinCell | null; length: LengthCell | null };
export type VersionEvaluation = {
  id: string;
  label: string;
  isActive: boolean;
  createdAt: string;
  previous: string | null;
  /** whether it has a snapshot and a checkpoint to compute per-category loss from (a policy trained here) */
  canEvaluate: boolean;
  /** held-out loss and perplexity over the whole eval split (the version's eval/loss, eval/perplexity) */
  loss: number | null;
  perplexity: number | null;
  /** every category together: win rates over all judgments, length over all outputs (loss is the row above's) */
  all: Omit<EvaluationCell, "loss">;
  byCategory: Record<string, EvaluationCell>;
};
export type ProjectEvaluation = {
  project: { slug: string; name: string };
  /** categories in the figures: the project's own first (in its order), then others met, "(none)" last */
  categories: string[];
  /** oldest first */
  versions: VersionEvaluation[];
  method: { interval: string; minJudgments: number; lossNoiseZ: number; length: string };
};

export async function projectEvaluation(actor: AnyActor, input: { projectSlug: string }): Promise<ProjectEvaluation> {
  assertRole(actor, "reviewer");
  const db = getDb();
  const project = await projectBySlugOr404(db, input.projectSlug, "projectSlug");
  const [rows, rankings, lengths] = await Promise.all([listModelVersions(db, project.id), listVersionRankings(db, project.id), listOutputLengths(db, project.id)]);
  const versions = rows.filter((v) => v.kind !== "reward");
  const label = new Map(versions.map((v) => [v.id, v.label]));
  const previous = previousVersions(versions);
  const active = versions.find((v) => v.isActive) ?? null;
  const outcomes = versionOutcomes(rankings).filter((o) => label.has(o.a) && label.has(o.b));
  const seen = new Set<string>();

  const out = versions.map((v): VersionEvaluation => {
    const prev = previous.get(v.id) ?? null;
    const losses = readCategoryMetrics(v.metrics);
    const prevLosses = prev ? readCategoryMetrics(prev.metrics) : {};
    const vsPrev = prev ? winRatesBetween(outcomes, v.id, prev.id, prev.label) : null;
    const vsActive = active && active.id !== v.id ? winRatesBetween(outcomes, v.id, active.id, active.label) : null;
    const len = lengths.filter((l) => l.versionId === v.id);
    const lengthOf = (l: (typeof len)[number] | undefined): LengthCell | null => (l ? { outputs: l.outputs, meanChars: l.meanChars, medianChars: l.medianChars } : null);
    const categories = new Set([...Object.keys(losses), ...Object.keys(vsPrev?.byCategory ?? {}), ...Object.keys(vsActive?.byCategory ?? {}), ...len.filter((l) => !l.all).map((l) => l.category ?? NO_CATEGORY)]);
    const byCategory: Record<string, EvaluationCell> = {};
    for (const c of categories) {
      seen.add(c);
      const loss = losses[c] ? { ...losses[c], mark: lossMark(losses[c], prevLosses[c] ?? null) } : null;
      byCategory[c] = { loss, vsPrevious: vsPrev?.byCategory[c] ?? null, vsActive: vsActive?.byCategory[c] ?? null, length: lengthOf(len.find((l) => !l.all && (l.category ?? NO_CATEGORY) === c)) };
    }
    const num = (k: string) => (typeof v.metrics[k] === "number" && Number.isFinite(v.metrics[k]) ? v.metrics[k] : null);
    return {
      id: v.id,
      label: v.label,
      isActive: v.isActive,
      createdAt: v.createdAt.toISOString(),
      previous: prev?.label ?? null,
      canEvaluate: v.exportId !== null && v.runId !== null,
      loss: num("eval/loss"),
      perplexity: num("eval/perplexity"),
      all: { vsPrevious: vsPrev && vsPrev.all.n > 0 ? vsPrev.all : null, vsActive: vsActive && vsActive.all.n > 0 ? vsActive.all : null, length: lengthOf(len.find((l) => l.all)) },
      byCategory,
    };
  });
  const own = project.categories.filter((c) => seen.has(c));
  const others = [...seen].filter((c) => !project.categories.includes(c) && c !== NO_CATEGORY).sort();
  return {
    project: { slug: project.slug, name: project.name },
    categories: [...own, ...others, ...(seen.has(NO_CATEGORY) ? [NO_CATEGORY] : [])],
    versions: out,
    method: {
      interval: `${BOOTSTRAP.confidence * 100}% percentile bootstrap, ${BOOTSTRAP.rounds} resamples, seed ${BOOTSTRAP.seed} (the release gate's); ties and "none acceptable" count half`,
      minJudgments: MARK_MIN_JUDGMENTS,
      lossNoiseZ: LOSS_NOISE_Z,
      length: "characters of each output the version wrote (fresh outputs and release-gate outputs), rejected ones left out",
    },
  };
}
