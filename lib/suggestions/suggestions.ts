// Suggestions: the active reward model's order of an open prompt's outputs and the margin between its top two, from the
// scores the `score` job stored (lib/jobs/score-job.ts). Reviewers see them; annotators only after they submit, and only
// where the project allows it (settings.showSuggestionsAfterSubmit).
import "server-only";
import type { DbOrTx } from "@/db/client";
import type { Project } from "@/db/schema";
import { getActiveRewardModel, listRewardScoresForPrompts, type PromptRewardScore } from "@/db/queries/reward-scores";

export type Suggestion = {
  /** the reward model (a model version of kind reward) that scored the outputs */
  modelVersionId: string;
  label: string;
  /** completion ids, highest score first */
  order: string[];
  scores: Record<string, number>;
  /** score of the first minus score of the second; null with fewer than two scored outputs */
  margin: number | null;
};

/** The order (highest first; ties by id) and the top-two margin of one prompt's scores. */
export function orderByScore(scores: Array<{ completionId: string; score: number }>): Pick<Suggestion, "order" | "scores" | "margin"> {
  const sorted = [...scores].sort((a, b) => b.score - a.score || a.completionId.localeCompare(b.completionId));
  return { order: sorted.map((s) => s.completionId), scores: Object.fromEntries(sorted.map((s) => [s.completionId, s.score])), margin: sorted.length >= 2 ? sorted[0].score - sorted[1].score : null };
}

/** Each prompt's suggestion from the project's active reward model; prompts it has not scored are absent. */
export async function suggestionsFor(db: DbOrTx, projectId: string, promptIds: string[]): Promise<Map<string, Suggestion>> {
  const out = new Map<string, Suggestion>();
  if (!promptIds.length) return out;
  const rm = await getActiveRewardModel(db, projectId);
  if (!rm) return out;
  const byPrompt = new Map<string, PromptRewardScore[]>();
  for (const s of await listRewardScoresForPrompts(db, { versionId: rm.id, promptIds })) byPrompt.set(s.promptId, [...(byPrompt.get(s.promptId) ?? []), s]);
  for (const [promptId, scores] of byPrompt) out.set(promptId, { modelVersionId: rm.id, label: rm.label, ...orderByScore(scores) });
  return out;
}

/** The top-two margin of one prompt under the active reward model, for routing; null when it has none. */
export async function rewardMarginOf(db: DbOrTx, projectId: string, promptId: string): Promise<number | null> {
  return (await suggestionsFor(db, projectId, [promptId])).get(promptId)?.margin ?? null;
}

/** What an annotator may see of a suggestion: the order and the margin, not the scores. */
export type AnnotatorSuggestion = Pick<Suggestion, "label" | "order" | "margin">;

/**
 * The suggestion an annotator sees for a prompt they have ranked: only where the project shows suggestions after
 * submitting (settings.showSuggestionsAfterSubmit); callers pass only prompts the annotator has submitted a ranking of.
 */
export async function suggestionAfterSubmit(db: DbOrTx, project: Pick<Project, "id" | "settings">, promptId: string): Promise<AnnotatorSuggestion | null> {
  if (!project.settings.showSuggestionsAfterSubmit) return null;
  const s = (await suggestionsFor(db, project.id, [promptId])).get(promptId);
  return s ? { label: s.label, order: s.order, margin: s.margin } : null;
}
