// Data: pick a project to see and make its training snapshots.
import { getTranslations } from "next-intl/server";
import { requirePageRole } from "@/lib/auth/session";
import { listProjects } from "@/lib/projects/projects";
import { ProjectPicker } from "@/app/_components/project-picker";

export default async function DataPage() {
  const actor = await requirePageRole("reviewer");
  const projects = await listProjects(actor);
  const t = await getTranslations("data");
  return (
    <div className="space-y-4" data-testid="data-page">
      <h1 className="text-2xl font-semibold">{t("title")}</h1>
      <p className="text-slate-600 dark:text-slate-400">{t("intro")}</p>
      <ProjectPicker projects={projects} hrefBase="/data" empty={t("noProjects")} />

    </div>
  );
}
