// My work: my ranking figures (today, total, agreement, gold accuracy, median time), my prompts by status, recent rankings to revise.
import Link from "next/link";
import { getFormatter, getTranslations } from "next-intl/server";
import { Card } from "@/app/_components/form";
import { projectOrNotFound } from "@/app/_components/project-picker";
import { requirePageRole } from "@/lib/auth/session";
import { listMyPrompts } from "@/lib/prompts/write";
import { getAnnotatorQuality } from "@/lib/quality/annotators";
import { listMyRecentRankings } from "@/lib/rankings/mine";
import { StatusBadge } from "../status-badge";
import { getMyLanguages } from "@/lib/languages/settings";
import { LanguagesForm } from "./languages-form";


export default async function MyWorkPage({ params }: { params: Promise<{ slug: string }> }) {
  const actor = await requirePageRole("annotator");
  const project = await projectOrNotFound(actor, (await params).slug);
  const [quality, prompts, recent, languages] = await Promise.all([
    getAnnotatorQuality(actor, project.slug),
    listMyPrompts(actor, project.slug),
    listMyRecentRankings(actor, project.slug),
    getMyLanguages(actor),
  ]);
  const t = await getTranslations("me");
  const format = await getFormatter();
  const fixed2 = (x: number | null | undefined) => (x === null || x === undefined ? "—" : format.number(x, { minimumFractionDigits: 2, maximumFractionDigits: 2 }));
  // Under 10 s with one decimal, under a minute in whole seconds, else minutes with one decimal.
  const seconds = (ms: number | null | undefined) =>
    ms === null || ms === undefined
      ? "—"
      : ms < 10_000
        ? t("seconds", { n: Math.round(ms / 100) / 10 })
        : ms < 60_000
          ? t("seconds", { n: Math.round(ms / 1000) })
          : t("minutes", { n: Math.round(ms / 6_000) / 10 });
  const when = (iso: string) => format.dateTime(new Date(iso), { dateStyle: "medium", timeStyle: "short" });
  const figures: Array<[string, string, string]> = [
    ["today", t("today"), format.number(quality?.today ?? 0)],
    ["volume", t("volume"), format.number(quality?.volume ?? 0)],
    ["agreement", t("agreement"), fixed2(quality?.agreement)],
    ["gold", t("gold"), quality?.goldTasks ? t("goldOver", { accuracy: fixed2(quality.goldAccuracy), tasks: quality.goldTasks }) : "—"],
    ["median-time", t("medianTime"), seconds(quality?.medianTimeMs)],
  ];
  const statuses = ["draft", "submitted", "approved", "rejected"] as const;
  return (
    <div className="space-y-6" data-testid="me-page">
      <dl className="grid gap-4 sm:grid-cols-3 lg:grid-cols-5">
        {figures.map(([key, label, value]) => (
          <div key={key} className="rounded-lg border border-slate-200 bg-white p-4 dark:border-slate-800 dark:bg-slate-900">
            <dt className="text-xs text-slate-500 dark:text-slate-400">{label}</dt>
            <dd data-testid={`me-${key}`} className="mt-1 text-2xl font-semibold tabular-nums">
              {value}
            </dd>
          </div>
        ))}
      </dl>
      {quality?.excluded && (
        <p role="status" className="rounded-md bg-amber-50 px-3 py-2 text-sm text-amber-800 dark:bg-amber-950 dark:text-amber-300">
          {t("excluded")}
        </p>
      )}
      <div className="grid gap-6 lg:grid-cols-2">
        <Card title={t("languages")}>
          <LanguagesForm initial={languages.languages} />
        </Card>
        <Card title={t("recent")}>
          {recent.length === 0 ? (
            <p className="text-sm text-slate-500 dark:text-slate-400">{t("noRankings")}</p>
          ) : (
            <ul className="space-y-2 text-sm" data-testid="my-rankings">
              {recent.map((r) => (
                <li key={r.rankingId} data-testid="my-ranking" className="flex items-start justify-between gap-3 border-b border-slate-100 pb-2 last:border-0 dark:border-slate-800">
                  <span className="min-w-0">
                    <span className="line-clamp-2">{r.instruction}</span>
                    <span className="text-xs text-slate-500 dark:text-slate-400">
                      {when(r.createdAt)}
                      {r.revised && ` · ${t("revised")}`}
                    </span>
                  </span>
                  {r.revisable ? (
                    <Link href={`/annotate/${project.slug}/rank?revise=${r.rankingId}`} data-testid="revise-link" className="shrink-0 text-indigo-600 underline dark:text-indigo-400" title={t("until", { when: when(r.revisableUntil) })}>
                      {t("revise")}
                    </Link>
                  ) : (
                    <span className="shrink-0 text-xs text-slate-400">{t("closed")}</span>
                  )}
                </li>
              ))}
            </ul>
          )}
          <p className="mt-3 text-xs text-slate-500 dark:text-slate-400">{t("reviseWindow", { hours: project.settings.reviseHours })}</p>
        </Card>
        <Card title={t("myPrompts")}>
          <ul className="mb-3 flex flex-wrap gap-3 text-sm" data-testid="my-prompt-counts">
            {statuses.map((s) => (
              <li key={s} data-testid={`count-${s}`} className="flex items-center gap-1">
                <StatusBadge status={s} /> <span className="tabular-nums">{format.number(prompts.filter((p) => p.status === s).length)}</span>
              </li>
            ))}
          </ul>
          <ul className="space-y-2 text-sm">
            {prompts.slice(0, 20).map((p) => (
              <li key={p.id} className="flex items-start justify-between gap-2">
                <span className="line-clamp-1 min-w-0">{p.instruction || <em className="text-slate-400">{t("emptyDraft")}</em>}</span>
                {p.status === "draft" ? (
                  <Link href={`/annotate/${project.slug}/write?draft=${p.id}`} className="shrink-0 text-indigo-600 underline dark:text-indigo-400">
                    {t("reopen")}

                  </Link>
                ) : (
                  <StatusBadge status={p.status} />
                )}
              </li>
            ))}
          </ul>
        </Card>
      </div>
    </div>
  );
}
