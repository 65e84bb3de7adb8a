// A ranking being built: the display order plus "tied with the one above" marks, as pure functions of ids.
// The ranker's screen, its saved drafts and the server's duplicate check all read orders through this module.

/** Ids in display order (best first) and the ids tied with the one directly above them. */
export type Placement = { items: readonly string[]; tied: ReadonlySet<string> };

/** Display order plus tie marks → groups of tied ids, best first. A mark on the first item means nothing. */
export function toGroups({ items, tied }: Placement): string[][] {
  const out: string[][] = [];
  items.forEach((id, i) => {
    if (i > 0 && tied.has(id)) out[out.length - 1].push(id);
    else out.push([id]);
  });
  return out;
}

/** Groups (best first) → display order with every id after the first of its group marked as tied. */
export function fromGroups(groups: readonly (readonly string[])[]): Placement {
  return { items: groups.flat(), tied: new Set(groups.flatMap((g) => g.slice(1))) };
}

/** Each id's rank: its group's position, 1-based; tied ids share a rank. */
export function ranksOf(groups: readonly (readonly string[])[]): Map<string, number> {
  return new Map(groups.flatMap((g, gi) => g.map((id) => [id, gi + 1] as const)));
}

/**
 * Moves the item at `from` to `to` (0-based display positions). Ties are with the neighbour above, so a move breaks
 * the ties of the three items whose neighbour above changes: the moved item, the one that followed it, and the one
 * it now sits on top of. Everything else keeps its group.
 * Out-of-range or no-op moves return the placement unchanged (the same object).
 */
export function moveTo(p: Placement, from: number, to: number): Placement {
  const n = p.items.length;
  if (from === to || from < 0 || from >= n || to < 0 || to >= n) return p;
  const moved = p.items[from];
  const follower = p.items[from + 1];
  const items = [...p.items];
  items.splice(from, 1);
  items.splice(to, 0, moved);
  const tied = new Set(p.tied);
  tied.delete(moved);
  if (follower !== undefined) tied.delete(follower);
  if (to + 1 < n) tied.delete(items[to + 1]);
  return { items, tied };
}

/** Ties the item at `index` with the one above, or unties it; the first item cannot be tied. */
export function toggleTie(p: Placement, index: number): Placement {
  if (index <= 0 || index >= p.items.length) return p;
  const id = p.items[index];
  const tied = new Set(p.tied);
  if (tied.has(id)) tied.delete(id);
  else tied.add(id);
  return { items: p.items, tied };
}

/**
 * A saved order laid over the outputs shown now: ids no longer shown are dropped, shown ids missing from it are
 * appended untied in their shown order. Without a saved order, the shown order with no ties.
 */
export function restorePlacement(shown: readonly string[], saved: readonly (readonly string[])[] | null | undefined): Placement {
  if (!saved) return { items: [...shown], tied: new Set() };
  const visible = new Set(shown);
  const seen = new Set<string>();
  const groups: string[][] = [];
  for (const g of saved) {
    const kept = g.filter((id) => visible.has(id) && !seen.has(id));
    kept.forEach((id) => seen.add(id));
    if (kept.length) groups.push(kept);
  }
  for (const id of shown) if (!seen.has(id)) groups.push([id]);
  return fromGroups(groups);
}

/** Two orders rank the same outputs the same way (the order of ids inside a tie group does not matter). */
export function sameOrder(a: readonly (readonly string[])[], b: readonly (readonly string[])[]): boolean {
  if (a.length !== b.length) return false;
  return a.every((g, i) => g.length === b[i].length && [...g].sort().join("\n") === [...b[i]].sort().join("\n"));
}
