// A project's Diversity report for the page and the CLI: its prompts read once, analysed by lib/diversity/report.ts.
import "server-only";
import { getDb } from "@/db/client";
import { listDiversityPrompts } from "@/db/queries/diversity";
import { assertRole, type AnyActor } from "@/lib/auth/roles";
import { projectBySlugOr404 } from "@/lib/projects/projects";
import { diversityReport, type DiversityReport } from "./report";
import { countPromptsPerLanguage } from "@/db/queries/prompt-languages";
import { languageName } from "@/lib/languages/codes";

/** Tasks per language over the whole project ("und": undetermined), most first, with their share and human rankings. */
export type LanguageRow = { code: string; name: string; prompts: number; share: number; rankings: number };

/** Newest prompts the report reads (categories, lengths, near-duplicates); the verb analysis reads the newest VERB_SAMPLE of them. */
export const DIVERSITY_PROMPTS = 20_000;

export async function getDiversity(actor: AnyActor, projectSlug: string): Promise<DiversityReport & { project: string; readLimit: number; languages: LanguageRow[] }> {
  assertRole(actor, "reviewer");
  const db = getDb();
  const project = await projectBySlugOr404(db, projectSlug, "projectSlug");
  const prompts = await listDiversityPrompts(db, { projectId: project.id, limit: DIVERSITY_PROMPTS });
  const report = await diversityReport(prompts, { categories: project.categories, targets: project.settings.categoryTargets });
  const perLanguage = await countPromptsPerLanguage(db, project.id);
  const total = perLanguage.reduce((s, r) => s + r.prompts, 0);
  const languages = perLanguage.map((r) => ({
    code: r.language ?? "und",
    name: r.language ? languageName(r.language) : "Undetermined",
    prompts: r.prompts,
    share: total ? r.prompts / total : 0,
    rankings: r.rankings,
  }));
  return { project: project.slug, readLimit: DIVERSITY_PROMPTS, ...report, languages };
}
