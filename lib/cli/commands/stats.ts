// `tuneloop stats --project S [--json]`: a project's counts of prompts, completions, rankings, settled prompts and open leases.
import { z } from "zod";
import { getConnection } from "@/db/client";
import { migrateDatabase } from "@/db/migrate";
import { systemActor } from "@/lib/projects/projects";
import { getProjectStats, type ProjectStats } from "@/lib/stats/project-stats";
import { parseFlags } from "../args";

export async function statsCommand(argv: string[]): Promise<number> {
  const { values } = parseFlags(
    argv,
    { project: { type: "string" }, json: { type: "boolean" } },
    z.object({ project: z.string({ message: "is required" }), json: z.boolean().optional() }).strict(),
  );
  await migrateDatabase(getConnection());
  const stats = await getProjectStats(systemActor, values.project);
  console.log(values.json ? JSON.stringify(stats, null, 2) : formatStats(stats));
  return 0;
}

export function formatStats(s: ProjectStats): string {
  const rows: [string, number][] = [
    ...Object.entries(s.prompts).map(([k, n]) => [`prompts ${k}`, n] as [string, number]),
    ...Object.entries(s.completions).map(([k, n]) => [`completions ${k}`, n] as [string, number]),
    ...Object.entries(s.rankings).map(([k, n]) => [`rankings ${k}`, n] as [string, number]),
    ["settled prompts", s.settledPrompts],
    ["open leases", s.openLeases],
    ["model versions", s.modelVersions],
    ...Object.entries(s.runs).map(([k, n]) => [`runs ${k}`, n] as [string, number]),
  ];
  const width = Math.max(...rows.map(([k]) => k.length));
  return [`${s.project.name} (${s.project.slug})`, ...rows.map(([k, n]) => `  ${k.padEnd(width)}  ${n.toLocaleString("en-US").padStart(9)}`)].join("\n");
}
