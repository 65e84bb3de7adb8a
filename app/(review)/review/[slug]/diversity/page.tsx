// Diversity: categories against targets, languages, the instructions' verbs and objects (Self-Instruct's figure), lengths, near-duplicates, context.
import { getFormatter, getLocale, getTranslations } from "next-intl/server";
import { Card } from "@/app/_components/form";
import { projectOrNotFound } from "@/app/_components/project-picker";
import { requirePageRole } from "@/lib/auth/session";
import { getDiversity } from "@/lib/diversity/diversity";
import { CategoryChart, LengthChart, VerbChart } from "./diversity-charts";
import { DiversitySettings } from "./diversity-settings";
import { listDrafters } from "@/lib/prompts/seed-drafts-job";
import { SeedDraftsForm } from "./seed-drafts-form";

/** A language's name in the page's language (Spanish / español / الإسبانية), else its code. */
function nameIn(locale: string, code: string): string {
  try {
    return new Intl.DisplayNames([locale], { type: "language" }).of(code) ?? code;
  } catch {
    return code;
  }
}

export default async function DiversityPage({ params }: { params: Promise<{ slug: string }> }) {
  const actor = await requirePageRole("reviewer");
  const project = await projectOrNotFound(actor, (await params).slug);
  const r = await getDiversity(actor, project.slug);
  const hasTargets = r.categories.some((c) => c.target !== null);
  const [t, tl, locale, format] = [await getTranslations("diversity"), await getTranslations("diversity.languages"), await getLocale(), await getFormatter()];
  const pct = (x: number | null) => (x === null ? "—" : format.number(x, { style: "percent", minimumFractionDigits: 1, maximumFractionDigits: 1 }));
  /** A category's gap to its target in percentage points, signed: "+2.5", "-1.0". */
  const gap = (x: number | null) => (x === null ? "—" : format.number(x * 100, { signDisplay: "exceptZero", minimumFractionDigits: 1, maximumFractionDigits: 1 }));
  const summary = { tasks: r.prompts, limit: r.readLimit, instructionOnly: r.context.instructionOnly, withInput: r.context.withInput };
  return (
    <div className="space-y-6" data-testid="diversity-page">
      <p className="text-sm text-slate-600 dark:text-slate-400" data-testid="diversity-summary">
        {r.prompts >= r.readLimit ? t("summaryNewest", summary) : t("summary", summary)}
      </p>
      <Card title={t("categories.title")}>
        {!hasTargets && <p className="mb-2 text-sm text-slate-500">{t("categories.noTargets")}</p>}
        <CategoryChart rows={r.categories.map((c) => ({ category: c.category, share: c.share, target: c.target }))} />
        <table className="mt-3 w-full text-start text-sm" data-testid="category-table">
          <thead className="text-slate-500">
            <tr>
              <th className="py-1 text-start">{t("categories.category")}</th>
              <th className="text-end">{t("categories.tasks")}</th>
              <th className="text-end">{t("categories.share")}</th>
              <th className="text-end">{t("categories.target")}</th>
              <th className="text-end">{t("categories.gap")}</th>
            </tr>
          </thead>
          <tbody>
            {r.categories.map((c) => (
              <tr key={c.category} data-testid={`category-row-${c.category}`} className="border-t border-slate-100 dark:border-slate-800">
                <td className="py-1">{c.category}</td>
                <td className="text-end tabular-nums">{format.number(c.count)}</td>
                <td className="text-end tabular-nums">{pct(c.share)}</td>
                <td className="text-end tabular-nums">{pct(c.target)}</td>
                <td className={`text-end tabular-nums ${c.gap !== null && c.gap > 0.01 ? "text-amber-700 dark:text-amber-400" : ""}`}>{gap(c.gap)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </Card>
      <Card title={tl("title")}>
        <table className="w-full text-start text-sm" data-testid="language-table">
          <thead className="text-slate-500">
            <tr>
              <th className="py-1 text-start">{tl("language")}</th>
              <th className="text-end">{tl("tasks")}</th>
              <th className="text-end">{tl("share")}</th>
              <th className="text-end">{tl("rankings")}</th>
            </tr>
          </thead>
          <tbody>
            {r.languages.map((l) => (
              <tr key={l.code} data-testid={`language-row-${l.code}`} className="border-t border-slate-100 dark:border-slate-800">
                <td className="py-1">
                  {l.code === "und" ? tl("undetermined") : nameIn(locale, l.code)} <span className="text-slate-500">({l.code})</span>
                </td>
                <td className="text-end tabular-nums">{format.number(l.prompts)}</td>
                <td className="text-end tabular-nums">{format.number(l.share, { style: "percent", minimumFractionDigits: 1, maximumFractionDigits: 1 })}</td>
                <td className="text-end tabular-nums">{format.number(l.rankings)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </Card>
      <Card title={t("verbs.title")}>
        <p className="mb-2 text-sm text-slate-500">{t("verbs.intro", r.verbSample)}</p>
        <VerbChart verbs={r.verbs} />
        <table className="mt-3 w-full text-start text-sm" data-testid="verb-table">
          <tbody>
            {r.verbs.map((v) => (
              <tr key={v.verb} data-testid={`verb-row-${v.verb}`} className="border-t border-slate-100 dark:border-slate-800">
                <td className="py-1 font-medium">{v.verb}</td>
                <td className="text-end tabular-nums">{format.number(v.count)}</td>
                <td className="ps-4 text-slate-600 dark:text-slate-400">{v.objects.length ? format.list(v.objects.map((o) => `${o.object} (${format.number(o.count)})`), { type: "unit", style: "short" }) : "—"}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </Card>
      <div className="grid gap-6 lg:grid-cols-2">
        <Card title={t("lengths.instruction", { median: r.instructionWords.median })}>
          <LengthChart bins={r.instructionWords.bins} testId="instruction-lengths" />
        </Card>
        <Card title={t("lengths.response", { median: r.responseWords.median, n: r.responseWords.n })}>
          <LengthChart bins={r.responseWords.bins} testId="response-lengths" />
        </Card>
      </div>
      <Card title={t("nearDuplicates.title", { threshold: r.nearDuplicates.threshold })}>
        {r.nearDuplicates.clusters.length === 0 ? (
          <p className="text-sm text-slate-500" data-testid="no-clusters">
            {t("nearDuplicates.none")}
          </p>
        ) : (
          <ul className="space-y-2 text-sm" data-testid="clusters">
            {r.nearDuplicates.clusters.map((c, i) => (
              <li key={i} data-testid="cluster">
                <span className="font-medium">{t("nearDuplicates.cluster", { size: c.size })}</span> {c.instructions.map((text) => t("nearDuplicates.quoted", { text: text.slice(0, 120) })).join(" · ")}
              </li>
            ))}
          </ul>
        )}
      </Card>
      <SeedDraftsForm slug={project.slug} {...await listDrafters(actor, project.slug)} />
      {actor.role === "admin" && (
        <Card title={t("settingsTitle")}>
          <DiversitySettings slug={project.slug} categoryTargets={project.settings.categoryTargets} seedImports={project.settings.seedImports} instructionTemplates={project.settings.instructionTemplates} />
        </Card>
      )}
    </div>
  );
}
