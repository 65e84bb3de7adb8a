// Pairwise confidence: how sure a prompt's rankings make us of each pair of its outputs, as one figure in [0.5, 1].
//
// For outputs i and j, let q be the chance that an annotator puts i above j. Across the prompt's rankings i was
// above j w times and below l times (a tie counts half to each). With a Beta(a, a) prior on q, the posterior is
// Beta(w + a, l + a), and the majority order (i above j when w > l) is right with probability
//   c(w, l) = max(P(q > ½), P(q < ½)),
// which is ½ for a pair nobody has separated and nears 1 as one side's lead grows. The figure is the mean of c over
// all pairs: the expected share of output pairs whose majority order is the true one, the quantity the routing bench
// scores (tests/bench/routing.ts). A prompt can stop once it is high; a near-tie keeps it low, so a range's maximum
// still bounds what is spent.
//
// The prior. Beta(a, a) gives two annotators the same order of a pair with mean chance E[q² + (1 − q)²] =
// (a + 1) / (2a + 1). Set equal to the human inter-annotator agreement AlpacaFarm measured on this kind of data
// (65.7%, Dubois et al. 2023), a = (1 − A) / (2A − 1) ≈ 1.09: close to uniform, so a single ranking is far from
// settling a pair (c(1, 0) ≈ 0.74).
import type { TiedOrder } from "./ranking";

export const HUMAN_PAIR_AGREEMENT = 0.657;
export const PAIR_PRIOR = (1 - HUMAN_PAIR_AGREEMENT) / (2 * HUMAN_PAIR_AGREEMENT - 1);

const STEPS = 400;
const memo = new Map<string, number>();

/** c(w, l): the posterior chance that the majority order of one pair is right (midpoint rule over q; ties of w and l give ½). */
export function pairConfidence(w: number, l: number, a = PAIR_PRIOR): number {
  if (w === l) return 0.5;
  const key = `${w}|${l}|${a}`;
  const hit = memo.get(key);
  if (hit !== undefined) return hit;
  // Log densities, shifted by their maximum so that large counts do not underflow.
  const logs: number[] = [];
  let top = -Infinity;
  for (let k = 0; k < STEPS; k++) {
    const q = (k + 0.5) / STEPS;
    const v = (w + a - 1) * Math.log(q) + (l + a - 1) * Math.log(1 - q);
    logs.push(v);
    if (v > top) top = v;
  }
  let above = 0;
  let all = 0;
  logs.forEach((v, k) => {
    const d = Math.exp(v - top);
    all += d;
    if (k >= STEPS / 2) above += d;
  });
  const p = above / all;
  const c = Math.max(p, 1 - p);
  if (memo.size < 100_000) memo.set(key, c);
  return c;
}

/**
 * The mean pairwise confidence of a prompt's rankings over the outputs every ranking orders; null with no ranking or
 * fewer than two such outputs.
 */
export function pairwiseConfidence<T>(rankings: TiedOrder<T>[], a = PAIR_PRIOR): number | null {
  if (!rankings.length) return null;
  const [first, ...rest] = rankings.map((order) => new Set<T>(order.flat()));
  const items = [...first].filter((id) => rest.every((ids) => ids.has(id)));
  if (items.length < 2) return null;
  const index = new Map(items.map((id, i) => [id, i]));
  const n = items.length;
  // above[i][j]: rankings with i above j (ties add ½ to both directions).
  const above = Array.from({ length: n }, () => new Array<number>(n).fill(0));
  for (const order of rankings) {
    const rank = new Map<number, number>();
    order.forEach((group, g) => group.forEach((id) => index.has(id) && rank.set(index.get(id)!, g)));
    for (let i = 0; i < n; i++) {
      for (let j = i + 1; j < n; j++) {
        const ri = rank.get(i)!;
        const rj = rank.get(j)!;
        if (ri < rj) above[i][j] += 1;
        else if (rj < ri) above[j][i] += 1;
        else {
          above[i][j] += 0.5;
          above[j][i] += 0.5;
        }
      }
    }
  }
  let sum = 0;
  let pairs = 0;
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      sum += pairConfidence(above[i][j], above[j][i], a);
      pairs++;
    }
  }
  return sum / pairs;
}
