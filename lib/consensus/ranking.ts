// A ranking as groups of tied ids (best first) and the helpers that turn it into ranks and pairs.

/** Groups of tied items, best group first: `[["a"], ["b", "c"], ["d"]]` means a > b = c > d. */
export type TiedOrder<T = string> = T[][];

/**
 * Average ("fractional") ranks, 1 = best: a tie group covering positions p..q gets (p+q)/2 each.
 * Empty groups are skipped; an id seen twice is an error, because a ranking that places one
 * completion in two places has no meaning.
 */
export function rankTiedOrder<T>(order: TiedOrder<T>): Map<T, number> {
  const ranks = new Map<T, number>();
  let seen = 0;
  for (const group of order) {
    if (group.length === 0) continue;
    const rank = seen + (group.length + 1) / 2;
    for (const id of group) {
      if (ranks.has(id)) throw new Error(`ranking lists ${String(id)} more than once`);
      ranks.set(id, rank);
    }
    seen += group.length;
  }
  return ranks;
}

/** Keeps only the ids in `keep`, dropping groups that become empty. */
export function restrictTiedOrder<T>(order: TiedOrder<T>, keep: Set<T>): TiedOrder<T> {
  return order.map((g) => g.filter((id) => keep.has(id))).filter((g) => g.length > 0);
}

/** Deterministic string order (code units), independent of the process locale. */
export function compareIds(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
