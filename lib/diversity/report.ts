// A project's task diversity from its prompts: categories against targets, verb–object pairs, lengths, near-duplicate clusters, context.
import { planDuplicateMerges } from "@/lib/dedup/merge-plan";
import { verbObject } from "./verb-object";

export type DiversityPrompt = { id: string; instruction: string; input: string | null; category: string | null; responseWords: number[] };

export type CategoryRow = { category: string; count: number; share: number; target: number | null; gap: number | null };
export type Histogram = { bins: Array<{ from: number; to: number; count: number }>; median: number; mean: number; n: number };

export type DiversityReport = {
  prompts: number;
  categories: CategoryRow[];
  /** Root verbs, most frequent first, each with its most frequent direct objects (Self-Instruct's Figure 2). */
  verbs: Array<{ verb: string; count: number; objects: Array<{ object: string; count: number }> }>;
  /** How many instructions the verb analysis read (a sample of the newest when the project is large) and how many had no imperative verb. */
  verbSample: { read: number; withVerb: number; withObject: number };
  instructionWords: Histogram;
  responseWords: Histogram;
  context: { instructionOnly: number; withInput: number };
  nearDuplicates: { threshold: number; clusters: Array<{ size: number; instructions: string[] }>; promptsInClusters: number };
};

/** Verb parsing costs ~15 ms an instruction with compromise: the analysis reads at most this many. */
export const VERB_SAMPLE = 1000;
const TOP_VERBS = 20;
const TOP_OBJECTS = 4;

export const words = (text: string) => (text.trim() ? text.trim().split(/\s+/).length : 0);

/** Bins of equal width on a log-ish ladder (1, 2, 5, 10, 20, 50 …), so short and long texts both show. */
export function histogram(values: number[]): Histogram {
  const n = values.length;
  if (!n) return { bins: [], median: 0, mean: 0, n: 0 };
  const sorted = [...values].sort((a, b) => a - b);
  const edges = [0, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000];
  const bins = edges.map((from, i) => ({ from, to: edges[i + 1] ?? Infinity, count: 0 }));
  for (const v of sorted) bins[bins.findLastIndex((b) => v >= b.from)].count += 1;
  const last = bins.findLastIndex((b) => b.count > 0);
  return { bins: bins.slice(0, last + 1).map((b) => ({ ...b, to: Number.isFinite(b.to) ? b.to : sorted[n - 1] + 1 })), median: sorted[Math.floor((n - 1) / 2)], mean: sorted.reduce((a, b) => a + b, 0) / n, n };
}

/** Counts per category with each one's share and its gap to the target (target − share; positive is under target). */
export function categoryRows(counts: Map<string, number>, categories: string[], targets: Record<string, number> | undefined): CategoryRow[] {
  const total = [...counts.values()].reduce((a, b) => a + b, 0);
  const hasTargets = targets !== undefined && Object.keys(targets).length > 0;
  const names = [...categories, ...[...counts.keys()].filter((c) => !categories.includes(c))];
  return names.map((category) => {
    const count = counts.get(category) ?? 0;
    const share = total ? count / total : 0;
    const target = !hasTargets ? null : (targets[category] ?? 0);
    return { category, count, share, target, gap: target === null ? null : target - share };
  });
}

export function verbTable(instructions: string[]): Pick<DiversityReport, "verbs" | "verbSample"> {
  const byVerb = new Map<string, Map<string, number>>();
  const sample = { read: instructions.length, withVerb: 0, withObject: 0 };
  for (const text of instructions) {
    const { verb, object } = verbObject(text);
    if (!verb) continue;
    sample.withVerb += 1;
    const objects = byVerb.get(verb) ?? byVerb.set(verb, new Map()).get(verb)!;
    if (object) {
      sample.withObject += 1;
      objects.set(object, (objects.get(object) ?? 0) + 1);
    }
    objects.set("", (objects.get("") ?? 0) + 1);
  }
  const byCount = <K extends string>(a: [K, number], b: [K, number]) => b[1] - a[1] || a[0].localeCompare(b[0]);
  const verbs = [...byVerb]
    .map(([verb, objects]) => ({ verb, count: objects.get("") ?? 0, objects: [...objects].filter(([o]) => o !== "").sort(byCount).slice(0, TOP_OBJECTS).map(([object, count]) => ({ object, count })) }))
    .sort((a, b) => b.count - a.count || a.verb.localeCompare(b.verb))
    .slice(0, TOP_VERBS);
  return { verbs, verbSample: sample };
}

/**
 * The whole report. `prompts` come newest first (the verb sample is the newest VERB_SAMPLE); categories are
 * counted over all of them; near-duplicates use the export's MinHash plan (lib/dedup) at `threshold`.
 */
export async function diversityReport(prompts: DiversityPrompt[], opts: { categories: string[]; targets?: Record<string, number>; threshold?: number }): Promise<DiversityReport> {
  const threshold = opts.threshold ?? 0.8;
  const counts = new Map<string, number>();
  for (const p of prompts) {
    const c = p.category ?? "(none)";
    counts.set(c, (counts.get(c) ?? 0) + 1);
  }
  const byId = new Map(prompts.map((p) => [p.id, p]));
  const ordered = [...prompts].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const plan = await planDuplicateMerges(
    // planDuplicateMerges reads an export's cursor (an AsyncIterable); here the prompts are already in memory.
    // eslint-disable-next-line @typescript-eslint/require-await
    (async function* () {
      for (const p of ordered) yield { id: p.id, text: p.input ? `${p.instruction}\n\n${p.input}` : p.instruction };
    })(),
    { threshold },
  );
  const clusters = [...plan.duplicatesOf]
    .map(([kept, dups]) => [kept, ...dups].map((id) => byId.get(id)!.instruction))
    .sort((a, b) => b.length - a.length || a[0].localeCompare(b[0]))
    .map((instructions) => ({ size: instructions.length, instructions: instructions.slice(0, 5) }));
  return {
    prompts: prompts.length,
    categories: categoryRows(counts, opts.categories, opts.targets),
    ...verbTable(prompts.slice(0, VERB_SAMPLE).map((p) => p.instruction)),
    instructionWords: histogram(prompts.map((p) => words(p.instruction))),
    responseWords: histogram(prompts.flatMap((p) => p.responseWords)),
    context: { instructionOnly: prompts.filter((p) => !p.input?.trim()).length, withInput: prompts.filter((p) => !!p.input?.trim()).length },
    nearDuplicates: { threshold, clusters: clusters.slice(0, 20), promptsInClusters: clusters.reduce((a, c) => a + c.size, 0) },
  };
}
