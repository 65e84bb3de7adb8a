// ROUGE-L (LCS-based F-measure) as google-research's rouge_score computes rougeL without a stemmer: Self-Instruct's novelty check.

/** rouge_score's default tokenizer: lowercase, anything but [a-z0-9] is a space, split on whitespace. */
export function rougeTokens(text: string): string[] {
  return text
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, " ")
    .split(/\s+/)
    .filter((t) => t.length > 0);
}

/** Length of the longest common subsequence of two token lists, two rolling rows of the DP table. */
function lcsLength(a: readonly string[], b: readonly string[]): number {
  let prev = new Uint32Array(b.length + 1);
  let cur = new Uint32Array(b.length + 1);
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) cur[j] = a[i - 1] === b[j - 1] ? prev[j - 1] + 1 : Math.max(prev[j], cur[j - 1]);
    [prev, cur] = [cur, prev];
  }
  return prev[b.length];
}

export type RougeScore = { precision: number; recall: number; fmeasure: number };

/** rougeL of `prediction` against `target` (precision over the prediction's tokens, recall over the target's); 0 when either has no token. */
export function rougeL(target: string | readonly string[], prediction: string | readonly string[]): RougeScore {
  const t = typeof target === "string" ? rougeTokens(target) : target;
  const p = typeof prediction === "string" ? rougeTokens(prediction) : prediction;
  if (!t.length || !p.length) return { precision: 0, recall: 0, fmeasure: 0 };
  const lcs = lcsLength(t, p);
  const precision = lcs / p.length;
  const recall = lcs / t.length;
  return { precision, recall, fmeasure: precision + recall > 0 ? (2 * precision * recall) / (precision + recall) : 0 };
}

/** Self-Instruct keeps a new instruction only when its ROUGE-L F with every existing one is below 0.7. */
export const NOVELTY_MAX_ROUGE_L = 0.7;

/** The existing text closest to `text` by ROUGE-L F (first of equals), or null when there is none. */
export function closestByRougeL<T extends { tokens: readonly string[] }>(text: string, existing: Iterable<T>): { item: T; fmeasure: number } | null {
  const tokens = rougeTokens(text);
  let best: { item: T; fmeasure: number } | null = null;
  for (const item of existing) {
    const f = rougeL(item.tokens, tokens).fmeasure;
    if (!best || f > best.fmeasure) best = { item, fmeasure: f };
  }
  return best;
}
