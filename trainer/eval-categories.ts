// Held-out LM loss per category: the snapshot's SFT eval rows grouped by their prompt's category (a map the job runner
// writes from the database: meta.promptId → category), each group's token-mean loss, perplexity and standard error.
import * as tf from "@tensorflow/tfjs";
import { z } from "zod";
import type { ModelConfig } from "./config";
import { disposeBatch, sftBatch, type SftExample } from "./data";
import { sequenceLogProbs } from "./losses";
import type { Params } from "./model";

/** Rows whose prompt has no category, or whose prompt the map does not name. */
export const NO_CATEGORY = "(none)";

/** The file `--eval-groups` names: prompt id → category (null: none). */
export const evalGroupsSchema = z.record(z.string(), z.string().nullable());
export type EvalGroups = z.infer<typeof evalGroupsSchema>;

export type CategoryLoss = {
  /** mean negative log-likelihood per target token over the category's rows (what `eval/loss` is over all rows) */
  loss: number;
  perplexity: number;
  /** standard error of `loss`: rows weighted by their target tokens, sandwich form with n/(n − 1); null for one row */
  se: number | null;
  tokens: number;
  examples: number;
};

/**
 * Per category: Σ NLL / Σ tokens over its rows, so the token-weighted mean of the categories' losses is the loss over
 * every row. Forward passes of `batch` rows; each row's summed log-probability comes from sequenceLogProbs, the same
 * masked sum sftLoss averages.
 */
export function evaluateByCategory(p: Params, cfg: ModelConfig, set: SftExample[], groups: EvalGroups, batch: number, pad: number): Record<string, CategoryLoss> {
  const rows: Array<{ category: string; nll: number; tokens: number }> = [];
  for (let i = 0; i < set.length; i += batch) {
    const slice = set.slice(i, i + batch);
    const b = sftBatch(slice, pad);
    const lp = tf.tidy(() => sequenceLogProbs(p, cfg, b));
    const perRow = tf.tidy(() => b.m.sum(1));
    const [sums, tokens] = [lp.dataSync(), perRow.dataSync()];
    tf.dispose([lp, perRow]);
    disposeBatch(b);
    slice.forEach((e, k) => rows.push({ category: (e.promptId && groups[e.promptId]) || NO_CATEGORY, nll: -sums[k], tokens: tokens[k] }));
  }
  const out: Record<string, CategoryLoss> = {};
  const byCategory = new Map<string, typeof rows>();
  for (const r of rows) if (r.tokens > 0) (byCategory.get(r.category) ?? byCategory.set(r.category, []).get(r.category)!).push(r);
  for (const [category, rs] of [...byCategory].sort((a, b) => (a[0] < b[0] ? -1 : 1))) {
    const tokens = rs.reduce((a, r) => a + r.tokens, 0);
    const loss = rs.reduce((a, r) => a + r.nll, 0) / tokens;
    const n = rs.length;
    // each row's mean loss x_i = nll_i / t_i, weight t_i: Σ t_i² (x_i − loss)² / (Σ t_i)², times n / (n − 1)
    const s2 = rs.reduce((a, r) => a + r.tokens ** 2 * (r.nll / r.tokens - loss) ** 2, 0);
    const se = n > 1 ? (Math.sqrt(s2) / tokens) * Math.sqrt(n / (n - 1)) : null;
    out[category] = { loss, perplexity: Math.exp(loss), se, tokens, examples: n };
  }
  return out;
}
