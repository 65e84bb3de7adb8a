// A project's figures: prompts by status, completions and rankings by source, settled prompts, open leases.
import "server-only";
import { assertRole } from "@/lib/auth/roles";
import { getDb } from "@/db/client";
import * as q from "@/db/queries/stats";
import { completionSourceEnum, promptStatusEnum, rankingSourceEnum, runStatusEnum } from "@/db/schema";
import { countModelVersions, countRunsByStatus } from "@/db/queries/runs";
import { countOutputsBySource } from "@/db/queries/sources";
import { projectBySlugOr404, type AnyActor } from "@/lib/projects/projects";

type Counts<K extends string> = Record<K, number> & { total: number };

export type ProjectStats = {
  project: { slug: string; name: string };
  prompts: Counts<(typeof promptStatusEnum.enumValues)[number]>;
  completions: Counts<(typeof completionSourceEnum.enumValues)[number]>;
  /** current rankings; `import` ones come from files and do not count toward a prompt's overlap */
  rankings: Counts<(typeof rankingSourceEnum.enumValues)[number]>;
  settledPrompts: number;
  /** assignments still open whose lease has not run out */
  openLeases: number;
  modelVersions: number;
  /** outputs each model version wrote, by its label */
  outputsByModelVersion: Record<string, number>;
  /** outputs each OpenAI-compatible model source wrote, by its name (removed sources included) */
  outputsBySource: Record<string, number>;
  /** training runs by status */
  runs: Counts<(typeof runStatusEnum.enumValues)[number]>;
};

function tally<K extends string>(keys: readonly K[], rows: { key: K; n: number }[]): Counts<K> {
  const out = Object.fromEntries(keys.map((k) => [k, 0])) as Record<K, number>;
  for (const r of rows) out[r.key] = r.n;
  return { ...out, total: rows.reduce((s, r) => s + r.n, 0) };
}

export async function getProjectStats(actor: AnyActor | null, slug: string): Promise<ProjectStats> {
  assertRole(actor, "reviewer");
  const db = getDb();
  const project = await projectBySlugOr404(db, slug);
  const [byStatus, bySource, rankingsBySource, settled, leases, versions, runs, outputs, sourceOutputs] = await Promise.all([
    q.countPromptsByStatus(db, project.id),
    q.countCompletionsBySource(db, project.id),
    q.countRankingsBySource(db, project.id),
    q.countSettledPrompts(db, project.id),
    q.countOpenLeases(db, project.id),
    countModelVersions(db, project.id),
    countRunsByStatus(db, project.id),
    q.countOutputsByModelVersion(db, project.id),
    countOutputsBySource(db, project.id),
  ]);
  return {
    project: { slug: project.slug, name: project.name },
    prompts: tally(promptStatusEnum.enumValues, byStatus.map((r) => ({ key: r.status, n: r.n }))),
    completions: tally(completionSourceEnum.enumValues, bySource.map((r) => ({ key: r.source, n: r.n }))),
    rankings: tally(rankingSourceEnum.enumValues, rankingsBySource.map((r) => ({ key: r.source, n: r.n }))),
    settledPrompts: settled,
    openLeases: leases,
    modelVersions: versions,
    outputsByModelVersion: Object.fromEntries(outputs.map((r) => [r.label, r.n])),
    outputsBySource: Object.fromEntries(sourceOutputs.map((r) => [r.name, r.n])),
    runs: tally(runStatusEnum.enumValues, Object.entries(runs).map(([key, n]) => ({ key: key as (typeof runStatusEnum.enumValues)[number], n }))),
  };
}
