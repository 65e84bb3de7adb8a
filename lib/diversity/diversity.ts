// A project's Diversity report for the page and the CLI: its prompts read once, analysed by lib/diversity/report.ts.
import "server-only";
import { getDb } from "@/db/client";
import { listDiversityPrompts } from "@/db/queries/diversity";
import { assertRole, type AnyActor } from "@/lib/auth/roles";
import { projectBySlugOr404 } from "@/lib/projects/projects";
import { diversityReport, type DiversityReport } from "./report";

/** Newest prompts the report reads (categories, lengths, near-duplicates); the verb analysis reads the newest VERB_SAMPLE of them. */
export const DIVERSITY_PROMPTS = 20_000;

export async function getDiversity(actor: AnyActor, projectSlug: string): Promise<DiversityReport & { project: string; readLimit: number }> {
  assertRole(actor, "reviewer");
  const db = getDb();
  const project = await projectBySlugOr404(db, projectSlug, "projectSlug");
  const prompts = await listDiversityPrompts(db, { projectId: project.id, limit: DIVERSITY_PROMPTS });
  const report = await diversityReport(prompts, { categories: project.categories, targets: project.settings.categoryTargets });
  return { project: project.slug, readLimit: DIVERSITY_PROMPTS, ...report };
}
