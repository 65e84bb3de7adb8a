// Borda counts over tied rankings: each item scores the rankings' points for its (average) place.

/**
 * Borda points of item i in one ranking = (items ranked below i) + ½·(other items tied with i),
 * i.e. n − (its average rank). Ties thus share the points of the places they span, and the
 * points of a ranking always sum to n(n−1)/2 whatever its ties. Scores are the weighted sums
 * over rankings. An item a ranking does not list gets nothing from it, so with partial
 * rankings Borda favours often-ranked items; our rankings each cover all K completions.
 * Ids are item indices in [0, nItems).
 */
export function bordaScores(nItems: number, rankings: Array<{ order: number[][]; weight?: number }>): number[] {
  const scores = new Array<number>(nItems).fill(0);
  for (const { order, weight = 1 } of rankings) {
    if (!(weight >= 0) || !Number.isFinite(weight)) throw new RangeError(`weight must be a finite number >= 0, got ${weight}`);
    const groups = order.filter((g) => g.length > 0);
    let below = groups.reduce((s, g) => s + g.length, 0);
    const seen = new Set<number>();
    for (const group of groups) {
      below -= group.length;
      const points = below + (group.length - 1) / 2;
      for (const i of group) {
        if (!Number.isInteger(i) || i < 0 || i >= nItems) throw new RangeError(`item ${i} is not an index in [0, ${nItems})`);
        if (seen.has(i)) throw new Error(`ranking lists item ${i} more than once`);
        seen.add(i);
        scores[i] += weight * points;
      }
    }
  }
  return scores;
}
