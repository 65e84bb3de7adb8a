// Training: pick a project to see its runs and retrain schedule.
import { getTranslations } from "next-intl/server";
import { ProjectPicker } from "@/app/_components/project-picker";
import { requirePageRole } from "@/lib/auth/session";
import { listProjects } from "@/lib/projects/projects";

export default async function TrainingPage() {
  const actor = await requirePageRole("reviewer");
  const projects = await listProjects(actor);
  const t = await getTranslations("training");
  return (
    <div className="space-y-4" data-testid="training-page">
      <h1 className="text-2xl font-semibold">{t("title")}</h1>
      <p className="text-slate-600 dark:text-slate-400">{t("intro")}</p>
      <ProjectPicker projects={projects} hrefBase="/training" empty={t("noProjects")} />
    </div>
  );
}
