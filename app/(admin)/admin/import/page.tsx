// Admin: upload a JSONL, JSON or gzipped file into a project; shows the import's summary or the bad row.
import Link from "next/link";
import { getTranslations } from "next-intl/server";
import { Card } from "@/app/_components/form";
import { requirePageRole } from "@/lib/auth/session";
import { formatNames } from "@/lib/formats/import";
import { listProjects } from "@/lib/projects/projects";
import { ImportForm } from "./import-form";

export default async function ImportPage({ searchParams }: { searchParams: Promise<{ project?: string }> }) {
  const actor = await requirePageRole("admin");
  const [projects, { project }] = await Promise.all([listProjects(actor), searchParams]);
  const t = await getTranslations("admin.import");
  return (
    <div className="space-y-6" data-testid="import-page">
      <h1 className="text-2xl font-semibold">{t("title")}</h1>
      <Card>
        {projects.length === 0 ? (
          <p className="text-sm">
            {t.rich("createFirst", {
              link: (chunks) => (
                <Link href="/admin/projects" className="text-indigo-600 underline dark:text-indigo-400">
                  {chunks}
                </Link>
              ),
            })}
          </p>
        ) : (
          <ImportForm projects={projects.map((p) => ({ slug: p.slug, name: p.name }))} formats={[...formatNames]} initialProject={project} />
        )}
      </Card>
      <p className="text-sm text-slate-500">
        {t.rich("note", { code: (chunks) => <code>{chunks}</code> })}
      </p>
    </div>
  );
}
