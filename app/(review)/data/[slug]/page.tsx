// A project's snapshots: readable name, counts per file, downloads, the dataset card, and a form to make a new one.
import { getFormatter, getTranslations } from "next-intl/server";
import { requirePageRole } from "@/lib/auth/session";
import { hasRole } from "@/lib/auth/roles";
import { listExports } from "@/lib/exports/snapshot";
import { Card } from "@/app/_components/form";
import { Markdown } from "@/app/_components/markdown";
import { projectOrNotFound } from "@/app/_components/project-picker";
import { SnapshotForm } from "./snapshot-form";

export default async function ProjectDataPage({ params }: { params: Promise<{ slug: string }> }) {
  const actor = await requirePageRole("reviewer");
  const { slug } = await params;
  const project = await projectOrNotFound(actor, slug);
  const snapshots = await listExports(actor, slug, { withCard: true });
  const t = await getTranslations("data");
  const format = await getFormatter();
  return (
    <div className="space-y-6" data-testid="project-data-page">
      <h1 className="text-2xl font-semibold">{t("projectTitle", { name: project.name })}</h1>
      {hasRole(actor, "admin") && (
        <Card title={t("newSnapshot")}>
          <SnapshotForm projectSlug={slug} />
        </Card>
      )}
      <Card title={t("snapshots")}>
        {snapshots.length === 0 ? (
          <p className="text-sm text-slate-600 dark:text-slate-400">{t("none")}</p>
        ) : (
          <ul className="space-y-4">
            {snapshots.map((s, i) => (
              <li key={s.id} data-testid="snapshot" className="rounded border border-slate-200 p-3 text-sm dark:border-slate-800">
                <div className="font-medium" data-testid="snapshot-name">{s.name}</div>
                <div className="font-mono text-xs text-slate-500" data-testid="snapshot-id">{s.id}</div>
                <div className="text-slate-600 dark:text-slate-400">
                  {t("cutoff", { when: format.dateTime(new Date(s.cutoffAt), { dateStyle: "medium", timeStyle: "long" }) })}
                </div>
                <table className="mt-2">
                  <tbody>
                    {Object.entries(s.counts).map(([file, n]) => (
                      <tr key={file}>
                        <td className="pe-4">
                          <a className="text-indigo-600 underline dark:text-indigo-400" href={`/api/v1/projects/${slug}/exports/${s.id}/files/${file}`}>
                            {file}
                          </a>
                        </td>
                        <td className="text-end tabular-nums">{format.number(n)}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
                <div className="mt-2 flex gap-3">
                  <a className="underline" href={`/api/v1/projects/${slug}/exports/${s.id}/files/manifest.json`}>manifest.json</a>
                  <a className="underline" href={`/api/v1/projects/${slug}/exports/${s.id}/archive?format=zip`}>zip</a>
                  <a className="underline" href={`/api/v1/projects/${slug}/exports/${s.id}/archive?format=tar.gz`}>tar.gz</a>
                </div>
                <details className="mt-2" open={i === 0}>
                  <summary className="cursor-pointer text-slate-600 dark:text-slate-400">{t("card")}</summary>
                  {s.card === null ? (
                    <p className="mt-2 text-slate-600 dark:text-slate-400">{t("cardMissing")}</p>

                  ) : (
                    <Markdown className="mt-2" testId="snapshot-card">
                      {s.card ?? ""}
                    </Markdown>
                  )}
                </details>
              </li>
            ))}
          </ul>
        )}
      </Card>
    </div>
  );
}
