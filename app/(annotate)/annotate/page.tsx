// Annotate: pick a project to write prompts for and rank outputs in.
import { getTranslations } from "next-intl/server";
import { ProjectPicker } from "@/app/_components/project-picker";
import { requirePageRole } from "@/lib/auth/session";
import { listProjects } from "@/lib/projects/projects";

export default async function AnnotatePage() {
  const actor = await requirePageRole("annotator");
  const projects = await listProjects(actor);
  const t = await getTranslations("annotate");
  return (
    <div className="space-y-4" data-testid="annotate-page">
      <h1 className="text-2xl font-semibold">{t("title")}</h1>
      <p className="text-slate-600 dark:text-slate-400">{t("intro")}</p>
      <ProjectPicker projects={projects} hrefBase="/annotate" empty={t("noProjects")} />

    </div>
  );
}
