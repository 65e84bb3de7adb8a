// Per-category held-out figures as keys of a model version's metrics: `eval/<figure>@<category>` (written by the train job
// from trainer/eval-categories.ts, read by the Evaluation page); one place for the key so writer and reader agree.
import type { CategoryLoss } from "@/trainer/eval-categories";

const FIGURES = ["loss", "perplexity", "loss_se", "tokens", "examples"] as const;
const PREFIX = "eval/";

/** A category's figures as metric entries; a null standard error (one row) is left out. */
export function categoryMetricEntries(byCategory: Record<string, CategoryLoss>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [category, c] of Object.entries(byCategory)) {
    const values: Record<(typeof FIGURES)[number], number | null> = { loss: c.loss, perplexity: c.perplexity, loss_se: c.se, tokens: c.tokens, examples: c.examples };
    for (const f of FIGURES) if (values[f] !== null && Number.isFinite(values[f])) out[`${PREFIX}${f}@${category}`] = values[f]!;
  }
  return out;
}

/** Whether a metric key is a per-category one (the Models page lists the others). */
export const isCategoryMetric = (key: string) => key.startsWith(PREFIX) && key.includes("@");

export type StoredCategoryLoss = { loss: number; perplexity: number; se: number | null; tokens: number; examples: number };

/** The per-category figures back out of a version's metrics; a category without a loss is left out. */
export function readCategoryMetrics(metrics: Record<string, number>): Record<string, StoredCategoryLoss> {
  const raw = new Map<string, Partial<Record<(typeof FIGURES)[number], number>>>();
  for (const [key, value] of Object.entries(metrics)) {
    if (!isCategoryMetric(key)) continue;
    const at = key.indexOf("@");
    const figure = key.slice(PREFIX.length, at) as (typeof FIGURES)[number];
    if (!FIGURES.includes(figure)) continue;
    const category = key.slice(at + 1);
    (raw.get(category) ?? raw.set(category, {}).get(category)!)[figure] = value;
  }
  const out: Record<string, StoredCategoryLoss> = {};
  for (const [category, f] of raw) {
    if (f.loss === undefined) continue;
    out[category] = { loss: f.loss, perplexity: f.perplexity ?? Math.exp(f.loss), se: f.loss_se ?? null, tokens: f.tokens ?? 0, examples: f.examples ?? 0 };
  }
  return out;
}
