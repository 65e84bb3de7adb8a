// Admin: the projects, and a form to create one.
import Link from "next/link";
import { getFormatter, getTranslations } from "next-intl/server";
import { Card } from "@/app/_components/form";
import { requirePageRole } from "@/lib/auth/session";
import { listProjects } from "@/lib/projects/projects";
import { defaultCategories, defaultProjectSettings } from "@/lib/validation/projects";
import { ProjectForm } from "./project-form";

export default async function ProjectsPage() {
  const actor = await requirePageRole("admin");
  const projects = await listProjects(actor);
  const t = await getTranslations("admin.projects");
  const format = await getFormatter();
  return (
    <div className="space-y-6" data-testid="projects-page">
      <h1 className="text-2xl font-semibold">{t("title")}</h1>
      <Card title={t("title")}>
        {projects.length === 0 ? (
          <p className="text-sm text-slate-500" data-testid="projects-empty">
            {t("empty")}
          </p>
        ) : (
          <table className="w-full text-start text-sm">
            <thead className="text-slate-500">
              <tr>
                <th className="py-2 text-start">{t("name")}</th>
                <th className="text-start">{t("slug")}</th>
                <th className="text-start">{t("k")}</th>
                <th className="text-start">{t("overlap")}</th>
                <th className="text-start">{t("categories")}</th>
              </tr>
            </thead>
            <tbody>
              {projects.map((p) => (
                <tr key={p.id} className="border-t border-slate-100 dark:border-slate-800" data-testid={`project-row-${p.slug}`}>
                  <td className="py-2">
                    <Link href={`/admin/projects/${p.slug}`} className="text-indigo-600 underline dark:text-indigo-400">
                      {p.name}
                    </Link>
                  </td>
                  <td className="font-mono">{p.slug}</td>
                  <td>{format.number(p.settings.k)}</td>
                  <td>{format.number(p.settings.overlap)}</td>
                  <td>{format.number(p.categories.length)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </Card>
      <Card title={t("newProject")}>
        <ProjectForm mode="create" initial={{ slug: "", name: "", guidelines: "", categories: [...defaultCategories], settings: defaultProjectSettings }} />
      </Card>
    </div>
  );
}
