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

const pct = (x: number | null) => (x === null ? "—" : `${(x * 100).toFixed(1)}%`);

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
  const [tl, locale, format] = [await getTranslations("diversity.languages"), await getLocale(), await getFormatter()];
  return (
    <div className="space-y-6" data-testid="diversity-page">
      <p className="text-sm text-slate-600 dark:text-slate-400" data-testid="diversity-summary">
        {r.prompts.toLocaleString("en-US")} tasks{r.prompts >= r.readLimit ? ` (the newest ${r.readLimit.toLocaleString("en-US")})` : ""}: {r.context.instructionOnly} instruction only,{" "}
        {r.context.withInput} with an input or context.
      </p>
      <Card title="Categories">
        {!hasTargets && <p className="mb-2 text-sm text-slate-500">No targets set: an admin sets each category&apos;s share in the project settings, and the next-task order then prefers categories under target.</p>}
        <CategoryChart rows={r.categories.map((c) => ({ category: c.category, share: c.share, target: c.target }))} />
        <table className="mt-3 w-full text-left text-sm" data-testid="category-table">
          <thead className="text-slate-500">
            <tr>
              <th className="py-1">Category</th>
              <th className="text-right">Tasks</th>
              <th className="text-right">Share</th>
              <th className="text-right">Target</th>
              <th className="text-right">Gap</th>
            </tr>
          </thead>
          <tbody>
            {r.categories.map((c) => (
              <tr key={c.category} data-testid={`category-row-${c.category}`} className="border-t border-slate-100 dark:border-slate-800">
                <td className="py-1">{c.category}</td>
                <td className="text-right tabular-nums">{c.count}</td>
                <td className="text-right tabular-nums">{pct(c.share)}</td>
                <td className="text-right tabular-nums">{pct(c.target)}</td>
                <td className={`text-right tabular-nums ${c.gap !== null && c.gap > 0.01 ? "text-amber-700 dark:text-amber-400" : ""}`}>{c.gap === null ? "—" : `${c.gap > 0 ? "+" : ""}${(c.gap * 100).toFixed(1)}`}</td>
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
      <Card title="Verbs and their objects">
        <p className="mb-2 text-sm text-slate-500">
          The root verb of each instruction and its direct object, as in Self-Instruct&apos;s analysis ({r.verbSample.withVerb} of {r.verbSample.read} instructions read open with a verb;{" "}
          {r.verbSample.withObject} name an object).
        </p>
        <VerbChart verbs={r.verbs} />
        <table className="mt-3 w-full text-left text-sm" data-testid="verb-table">
          <tbody>
            {r.verbs.map((v) => (
              <tr key={v.verb} data-testid={`verb-row-${v.verb}`} className="border-t border-slate-100 dark:border-slate-800">
                <td className="py-1 font-medium">{v.verb}</td>
                <td className="text-right tabular-nums">{v.count}</td>
                <td className="pl-4 text-slate-600 dark:text-slate-400">{v.objects.map((o) => `${o.object} (${o.count})`).join(", ") || "—"}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </Card>
      <div className="grid gap-6 lg:grid-cols-2">
        <Card title={`Instruction length (words; median ${r.instructionWords.median})`}>
          <LengthChart bins={r.instructionWords.bins} testId="instruction-lengths" />
        </Card>
        <Card title={`Response length (words; median ${r.responseWords.median}, ${r.responseWords.n} demonstrations)`}>
          <LengthChart bins={r.responseWords.bins} testId="response-lengths" />
        </Card>
      </div>
      <Card title={`Near-duplicate clusters (Jaccard ≥ ${r.nearDuplicates.threshold})`}>
        {r.nearDuplicates.clusters.length === 0 ? (
          <p className="text-sm text-slate-500" data-testid="no-clusters">
            None: no two tasks are near-duplicates.
          </p>
        ) : (
          <ul className="space-y-2 text-sm" data-testid="clusters">
            {r.nearDuplicates.clusters.map((c, i) => (
              <li key={i} data-testid="cluster">
                <span className="font-medium">{c.size} tasks:</span> {c.instructions.map((t) => `“${t.slice(0, 120)}”`).join(" · ")}
              </li>
            ))}
          </ul>
        )}
      </Card>
      <SeedDraftsForm slug={project.slug} {...await listDrafters(actor, project.slug)} />
      {actor.role === "admin" && (
        <Card title="Diversity settings">
          <DiversitySettings slug={project.slug} categoryTargets={project.settings.categoryTargets} seedImports={project.settings.seedImports} instructionTemplates={project.settings.instructionTemplates} />
        </Card>
      )}
    </div>
  );
}
