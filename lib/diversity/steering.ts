// Steering collection toward what is missing: which categories are under their target share of the rankings collected.

/**
 * Categories whose share of `counts` is below their target, largest gap (target − share) first, ties by name.
 * With nothing collected yet every share is 0, so the gap is the target itself. Categories at or over target are
 * left out: next-task treats them all alike, after the under-target ones.
 */
export function underTargetCategories(counts: Map<string, number>, targets: Record<string, number>): string[] {
  const total = [...counts.values()].reduce((a, b) => a + b, 0);
  return Object.entries(targets)
    .map(([category, target]) => ({ category, gap: target - (total ? (counts.get(category) ?? 0) / total : 0) }))
    .filter((c) => c.gap > 1e-9)
    .sort((a, b) => b.gap - a.gap || a.category.localeCompare(b.category))
    .map((c) => c.category);
}
