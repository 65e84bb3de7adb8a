// Annotators: each one's volume, agreement with consensus, gold accuracy and median time (flagged when too fast), with Exclude/Include.
import { getFormatter, getTranslations } from "next-intl/server";
import { Card } from "@/app/_components/form";
import { projectOrNotFound } from "@/app/_components/project-picker";
import { requirePageRole } from "@/lib/auth/session";
import { listAnnotatorQuality, tooFastSecondsOf } from "@/lib/quality/annotators";
import { ExcludeToggle } from "./exclude-toggle";


export default async function AnnotatorsPage({ params }: { params: Promise<{ slug: string }> }) {
  const actor = await requirePageRole("reviewer");
  const project = await projectOrNotFound(actor, (await params).slug);
  const rows = await listAnnotatorQuality(actor, project.slug);
  const threshold = tooFastSecondsOf(project.settings);
  const t = await getTranslations("review.annotators");
  const me = await getTranslations("me");
  const format = await getFormatter();
  const fixed2 = (x: number | null) => (x === null ? "—" : format.number(x, { minimumFractionDigits: 2, maximumFractionDigits: 2 }));
  // Under 10 s with one decimal, under a minute in whole seconds, else minutes with one decimal (as My work shows them).
  const seconds = (ms: number | null) =>
    ms === null
      ? "—"
      : ms < 10_000
        ? me("seconds", { n: Math.round(ms / 100) / 10 })
        : ms < 60_000
          ? me("seconds", { n: Math.round(ms / 1000) })
          : me("minutes", { n: Math.round(ms / 6_000) / 10 });
  return (
    <Card>
      <p className="mb-3 text-sm text-slate-600 dark:text-slate-400">
        {t.rich("intro", { threshold, b: (chunks) => <span className="font-medium">{chunks}</span> })}
      </p>
      {rows.length === 0 ? (
        <p data-testid="no-annotators" className="text-sm text-slate-500 dark:text-slate-400">
          {t("none")}
        </p>
      ) : (
        <table className="w-full text-start text-sm" data-testid="annotators-table">
          <thead className="text-slate-500 dark:text-slate-400">
            <tr>
              <th className="py-2">{t("annotator")}</th>
              <th className="text-end">{t("rankings")}</th>
              <th className="text-end">{t("today")}</th>
              <th className="text-end" title={t("agreementTitle")}>
                {t("agreement")}
              </th>
              <th className="text-end" title={t("goldTitle")}>
                {t("gold")}
              </th>
              <th className="text-end">{t("median")}</th>
              <th className="ps-4">{t("inConsensus")}</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => (
              <tr key={r.annotatorId} data-testid={`annotator-row-${r.email}`} className="border-t border-slate-100 dark:border-slate-800">
                <td className="py-2">
                  {r.name} <span className="text-xs text-slate-500">{r.email}</span>
                </td>
                <td className="text-end tabular-nums" data-testid="annotator-volume">{format.number(r.volume)}</td>
                <td className="text-end tabular-nums">{format.number(r.today)}</td>
                <td className="text-end tabular-nums" data-testid="annotator-agreement">{fixed2(r.agreement)}</td>
                <td className="text-end tabular-nums">{r.goldTasks ? t("goldOf", { accuracy: fixed2(r.goldAccuracy), tasks: r.goldTasks }) : "—"}</td>
                <td className="text-end tabular-nums" data-testid="annotator-median-time">
                  {r.tooFast && (
                    <span data-testid="too-fast" title={t("tooFastTitle", { threshold })} className="me-2 rounded bg-red-100 px-1.5 py-0.5 text-xs font-medium text-red-800 dark:bg-red-950 dark:text-red-300">
                      {t("tooFast")}
                    </span>
                  )}
                  {seconds(r.medianTimeMs)}
                </td>
                <td className="ps-4">

                  <ExcludeToggle projectSlug={project.slug} userId={r.annotatorId} excluded={r.excluded} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </Card>
  );
}
