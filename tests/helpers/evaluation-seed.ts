// Three model versions of project "evalp" (v1 → v2, active → v3) in "coding" and "open QA", with held-out figures as the
// train job records them and rankings between their outputs; the Evaluation tests' hand-computed figures rest on these.
import { getDb } from "@/db/client";
import { completions, modelVersions, prompts, rankings } from "@/db/schema";
import type { Actor } from "@/lib/auth/roles";
import { makeActor } from "./actors";
import { seedProject } from "./seed";

/** Held-out figures as the train job records them (lib/evaluation/category-metrics.ts). */
const lossMetrics = (all: number, cats: Record<string, [number, number]>) => ({
  "eval/loss": all,
  "eval/perplexity": Math.exp(all),
  ...Object.fromEntries(Object.entries(cats).flatMap(([c, [loss, se]]) => [[`eval/loss@${c}`, loss], [`eval/loss_se@${c}`, se], [`eval/tokens@${c}`, 100], [`eval/examples@${c}`, 4]])),
});

async function version(projectId: string, label: string, minutes: number, opts: { parentId?: string; active?: boolean; metrics: Record<string, number> }) {
  const [v] = await getDb()
    .insert(modelVersions)
    .values({ projectId, label, base: "tiny", config: {}, checkpointPath: `/nowhere/${label}`, parentId: opts.parentId ?? null, isActive: opts.active ?? false, metrics: opts.metrics, createdAt: new Date(Date.now() - minutes * 60_000) })
    .returning();
  return v;
}

/**
 * One prompt of `category` with an output per entry (version id, text), ranked by `annotator` in `order` (indices into
 * the entries, groups best first); compareOf makes it a release-gate copy of the new version `compare`.
 */
async function ranked(projectId: string, annotator: Actor, category: string, entries: Array<[string | null, string]>, order: number[][], opts: { compare?: string; noneAcceptable?: boolean; source?: "human" | "import"; excluded?: boolean } = {}) {
  const db = getDb();
  const [p] = await db.insert(prompts).values({ projectId, instruction: `A ${category} task ${Math.random()}`, category, source: "human", status: "approved", compareVersionId: opts.compare ?? null }).returning();
  const cs = await db
    .insert(completions)
    .values(entries.map(([v, text]) => ({ promptId: p.id, text, source: v ? ("model" as const) : ("import" as const), modelVersionId: v, generator: v ? null : "other" })))
    .returning({ id: completions.id });
  await db.insert(rankings).values({ promptId: p.id, annotatorId: opts.source === "import" ? null : annotator.id, source: opts.source ?? "human", order: order.map((g) => g.map((i) => cs[i].id)), noneAcceptable: opts.noneAcceptable ?? false, excluded: opts.excluded ?? false });
}

/** v1 → v2 (active) → v3 in "coding" and "open QA", with the rankings the expectations below are computed from. */
export async function seedVersions() {
  const project = await seedProject({ slug: "evalp" });
  const ann = await makeActor("annotator");
  const v1 = await version(project.id, "v1", 30, { metrics: lossMetrics(2.0, { coding: [2.0, 0.05], "open QA": [2.0, 0.05] }) });
  const v2 = await version(project.id, "v2", 20, { parentId: v1.id, active: true, metrics: lossMetrics(1.8, { coding: [1.5, 0.05], "open QA": [2.05, 0.05] }) });
  const v3 = await version(project.id, "v3", 10, { parentId: v2.id, metrics: lossMetrics(1.9, { coding: [1.6, 0.1], "open QA": [2.4, 0.05] }) });
  const x = (n: number) => "x".repeat(n);
  // v2's gate against v1: coding 5 wins; open QA 1 win, 3 losses, 1 "none acceptable" (a tie).
  for (let i = 0; i < 5; i++) await ranked(project.id, ann, "coding", [[v2.id, x(10)], [v1.id, x(20)]], [[0], [1]], { compare: v2.id });
  for (const [k, order] of [[[0], [1]], [[1], [0]], [[1], [0]], [[1], [0]]].entries()) await ranked(project.id, ann, "open QA", [[v2.id, x(30 + k)], [v1.id, x(5)]], order, { compare: v2.id });
  await ranked(project.id, ann, "open QA", [[v2.id, x(30)], [v1.id, x(5)]], [[0], [1]], { compare: v2.id, noneAcceptable: true });
  // v3's gate against v2 (the active one): open QA 5 losses; coding 3 wins.
  for (let i = 0; i < 5; i++) await ranked(project.id, ann, "open QA", [[v3.id, x(100)], [v2.id, x(30)]], [[1], [0]], { compare: v3.id });
  for (let i = 0; i < 3; i++) await ranked(project.id, ann, "coding", [[v3.id, x(12)], [v2.id, x(10)]], [[0], [1]], { compare: v3.id });
  // A fresh-output ranking of all three (coding) with an imported output: v3 > v2 > other > v1.
  await ranked(project.id, ann, "coding", [[v1.id, x(20)], [v2.id, x(40)], [v3.id, x(12)], [null, x(7)]], [[2], [1], [3], [0]]);
  // Not counted: an imported ranking and an excluded one (both would make v1 beat v2 in coding).
  await ranked(project.id, ann, "coding", [[v1.id, x(1)], [v2.id, x(1)]], [[0], [1]], { source: "import" });
  await ranked(project.id, ann, "coding", [[v1.id, x(1)], [v2.id, x(1)]], [[0], [1]], { excluded: true });
  return { project, v1, v2, v3 };
}

