// The next-task priority policy: which open ranking task an annotator gets first, as tiers the project's admin can reorder.
//
// Default order (most urgent first):
//   1. gate     release-gate comparison prompts: a new version's blind pairwise tasks; they block a promotion decision.
//   2. active   prompts holding an output of the project's active model version that still need rankings.
//   3. routing  prompts with some rankings but fewer than the overlap, most-ranked first: one more ranking brings
//               them closest to settling. A prompt whose annotators disagree is unsettled and, below the overlap,
//               sits here too; once the overlap is reached it is closed ("never past the overlap").
//   4. backlog  everything else: unranked prompts, oldest first.
// Within a tier the order is the index order of prompts_next_task_idx: ranking count descending, then oldest.
// An admin may reorder the tiers and put named batches ahead of any of them (a batch before `gate` is pinned,
// one further down is boosted past the tiers after it):
//   version:<label>   prompts holding an output of that model version (e.g. version:v3)
//   import:<id>       the prompts one file import created; <id> is the import's audit-log id (the queue card lists them)
// Tiers the setting leaves out keep their default order after the ones it names. A batch that names no
// existing version or import is passed over. Gold tasks are mixed in at the project's gold rate as before.

export const queueTiers = ["gate", "active", "routing", "backlog"] as const;
export type QueueTier = (typeof queueTiers)[number];

export type QueueBatch = { kind: "version"; label: string } | { kind: "import"; auditId: number };
export type QueueStep = { tier: QueueTier } | { batch: QueueBatch };

/** One entry of the queue-order setting: a tier name, `version:<label>` or `import:<id>`. */
export const queueEntryPattern = /^(?:gate|active|routing|backlog|version:[A-Za-z0-9._-]{1,64}|import:[1-9][0-9]{0,14})$/;
/** Named batches per project: each is one more query on a lease that falls through to it. */
export const MAX_QUEUE_BATCHES = 8;

export function parseQueueEntry(entry: string): QueueStep {
  if ((queueTiers as readonly string[]).includes(entry)) return { tier: entry as QueueTier };
  const [kind, value] = [entry.slice(0, entry.indexOf(":")), entry.slice(entry.indexOf(":") + 1)];
  if (kind === "version") return { batch: { kind: "version", label: value } };
  if (kind === "import") return { batch: { kind: "import", auditId: Number(value) } };
  throw new Error(`not a queue entry: ${JSON.stringify(entry)}`);
}

/** The configured entries, then the built-in tiers it left out in their default order. */
export function normalizeQueueOrder(configured: readonly string[] | undefined): string[] {
  const given = configured ?? [];
  return [...given, ...queueTiers.filter((t) => !given.includes(t))];
}

/** The steps next-task walks, in order. */
export function queueSteps(configured: readonly string[] | undefined): QueueStep[] {
  return normalizeQueueOrder(configured).map(parseQueueEntry);
}

/** What kind of open task a prompt is, for the queue's make-up (first match wins, as the default policy). */
export type QueueKind = "gate" | "active" | "model" | "import" | "human";
export const queueKindLabels: Record<QueueKind, string> = {
  gate: "Release-gate comparisons",
  active: "Active version's outputs",
  model: "Other versions' outputs",
  import: "Imported",
  human: "Written by people",
};
