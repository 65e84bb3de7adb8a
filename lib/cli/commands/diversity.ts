// `tuneloop diversity --project S [--json]`: the project's Diversity report (categories vs targets, verbs and objects, lengths, near-duplicates).
import { z } from "zod";
import { getConnection } from "@/db/client";
import { migrateDatabase } from "@/db/migrate";
import { getDiversity } from "@/lib/diversity/diversity";
import type { DiversityReport } from "@/lib/diversity/report";
import { systemActor } from "@/lib/projects/projects";
import { parseFlags } from "../args";

export async function diversityCommand(argv: string[]): Promise<number> {
  const { values } = parseFlags(
    argv,
    { project: { type: "string" }, json: { type: "boolean" } },
    z.object({ project: z.string({ message: "is required" }), json: z.boolean().optional() }).strict(),
  );
  await migrateDatabase(getConnection());
  const report = await getDiversity(systemActor, values.project);
  console.log(values.json ? JSON.stringify(report, null, 2) : formatDiversity(report));
  return 0;
}

const pct = (x: number) => `${(x * 100).toFixed(1)}%`;

export function formatDiversity(r: DiversityReport & { project: string }): string {
  const width = Math.max(8, ...r.categories.map((c) => c.category.length));
  return [
    `${r.project}: ${r.prompts.toLocaleString("en-US")} prompts (${r.context.instructionOnly} instruction only, ${r.context.withInput} with input)`,
    "categories:",
    ...r.categories.map((c) => `  ${c.category.padEnd(width)}  ${String(c.count).padStart(7)}  ${pct(c.share).padStart(6)}${c.target === null ? "" : `  target ${pct(c.target)}`}`),
    `top verbs (of ${r.verbSample.read} instructions read, ${r.verbSample.withVerb} with a verb):`,
    ...r.verbs.map((v) => `  ${v.verb.padEnd(12)} ${String(v.count).padStart(5)}  ${v.objects.map((o) => `${o.object} ${o.count}`).join(", ")}`),
    `instruction words: median ${r.instructionWords.median}, mean ${r.instructionWords.mean.toFixed(1)}; response words: median ${r.responseWords.median} (${r.responseWords.n} demonstrations)`,
    `near-duplicate clusters (Jaccard ≥ ${r.nearDuplicates.threshold}): ${r.nearDuplicates.clusters.length}, ${r.nearDuplicates.promptsInClusters} prompts`,
  ].join("\n");
}
