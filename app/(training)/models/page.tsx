// Models: the imported base models (admins import a Hugging Face folder here), then a project to see its versions.
import { getTranslations } from "next-intl/server";
import { Card } from "@/app/_components/form";
import { ProjectPicker } from "@/app/_components/project-picker";
import { hasRole } from "@/lib/auth/roles";
import { requirePageRole } from "@/lib/auth/session";
import { listBaseModels } from "@/lib/runs/base-models";
import { listProjects } from "@/lib/projects/projects";
import { AutoRefresh } from "./[slug]/auto-refresh";
import { BaseModelList } from "./base-models";
import { ImportModelForm } from "./import-form";

export default async function ModelsPage() {
  const actor = await requirePageRole("reviewer");
  const [projects, baseModels] = await Promise.all([listProjects(actor), listBaseModels(actor)]);
  const t = await getTranslations("models");
  return (
    <div className="space-y-6" data-testid="models-page">
      <AutoRefresh active={baseModels.some((m) => m.status === "importing")} />
      <h1 className="text-2xl font-semibold">{t("title")}</h1>
      <Card title={t("baseModels")}>
        <div className="space-y-4">
          <p className="text-sm text-slate-600 dark:text-slate-400">{t("baseIntro")}</p>
          <BaseModelList models={baseModels} />
          {hasRole(actor, "admin") && <ImportModelForm />}
        </div>
      </Card>
      <div className="space-y-3">
        <p className="text-slate-600 dark:text-slate-400">{t("pickProject")}</p>
        <ProjectPicker projects={projects} hrefBase="/models" empty={t("noProjects")} />
      </div>
    </div>
  );
}
