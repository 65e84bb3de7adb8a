// Evaluation per category: each model version's held-out loss, win rates against the previous and the active version with
// intervals, and output lengths, per category, marked where a version improved or regressed; a chart across versions.
import Link from "next/link";
import type { ReactNode } from "react";
import { getFormatter, getTranslations } from "next-intl/server";
import { Card } from "@/app/_components/form";
import { projectOrNotFound } from "@/app/_components/project-picker";
import { requirePageRole } from "@/lib/auth/session";
import { BOOTSTRAP, NO_CATEGORY, type Mark, type WinCell } from "@/lib/evaluation/compare";
import { projectEvaluation, type EvaluationCell } from "@/lib/evaluation/evaluation";
import { hasRole } from "@/lib/auth/roles";
import type { Formatter } from "../../training/format";
import { CategoryLines } from "./evaluation-charts";
import { EvaluateButton } from "./evaluate-button";

const ALL = "(all)";
const markClass = (m: Mark) => (m === "improved" ? "text-green-700 dark:text-green-400" : m === "regressed" ? "text-red-700 dark:text-red-400" : "");
const markSign = (m: Mark) => (m === "improved" ? " ▲" : m === "regressed" ? " ▼" : "");

type T = Awaited<ReturnType<typeof getTranslations<"evaluation">>>;
/** Fixed decimals without grouping, in the page's digits. */
const fixed = (format: Formatter, x: number, digits: number) => format.number(x, { minimumFractionDigits: digits, maximumFractionDigits: digits, useGrouping: false });

function Win({ w, what, t, format }: { w: WinCell | null; what: "previous" | "active"; t: T; format: Formatter }) {
  if (!w || w.winRate === null) return null;
  const values = {
    against: w.against,
    rate: format.number(w.winRate / 100, { style: "percent", maximumFractionDigits: 0 }),
    low: fixed(format, w.ci![0], 0),
    high: fixed(format, w.ci![1], 0),
    n: w.n,
    small: (chunks: ReactNode) => <span className="text-xs">{chunks}</span>,
  };
  return (
    <div className={markClass(w.mark)} data-testid={`win-${what}`} data-mark={w.mark ?? "none"} title={t("winTitle", { wins: w.wins, losses: w.losses, ties: w.ties, against: w.against })}>
      {t.rich(what === "active" ? "vsActive" : "vsPrevious", values)}
      {markSign(w.mark)}
    </div>
  );
}

function Cell({ cell, t, format }: { cell: Omit<EvaluationCell, "loss"> & { loss: EvaluationCell["loss"] }; t: T; format: Formatter }) {
  return (
    <div className="space-y-0.5 text-xs tabular-nums">
      <Win w={cell.vsPrevious} what="previous" t={t} format={format} />
      <Win w={cell.vsActive} what="active" t={t} format={format} />
      {cell.loss && (
        <div className={markClass(cell.loss.mark)} data-testid="loss" data-mark={cell.loss.mark ?? "none"} title={t("lossTitle", { examples: cell.loss.examples, tokens: cell.loss.tokens })}>
          {t("loss", { loss: fixed(format, cell.loss.loss, 3) })}
          {cell.loss.se !== null && <span> ± {fixed(format, cell.loss.se, 3)}</span>}
          {markSign(cell.loss.mark)}
        </div>
      )}
      {cell.length && (
        <div className="text-slate-500" data-testid="length">
          {t("length", { mean: Math.round(cell.length.meanChars), median: Math.round(cell.length.medianChars), count: cell.length.outputs })}
        </div>
      )}
    </div>
  );
}

export default async function EvaluationPage({ params }: { params: Promise<{ slug: string }> }) {
  const actor = await requirePageRole("reviewer");
  const project = await projectOrNotFound(actor, (await params).slug);
  const ev = await projectEvaluation(actor, { projectSlug: project.slug });
  const isAdmin = hasRole(actor, "admin");
  const t = await getTranslations("evaluation");
  const format = await getFormatter();
  const categoryName = (c: string) => (c === ALL ? t("all") : c === NO_CATEGORY ? t("none") : c);
  const lossRows = ev.versions.map((v) => ({ version: v.label, ...Object.fromEntries(ev.categories.map((c) => [c, v.byCategory[c]?.loss?.loss ?? null])) }));
  const winRows = ev.versions.map((v) => ({ version: v.label, ...Object.fromEntries(ev.categories.map((c) => [c, v.byCategory[c]?.vsPrevious?.winRate ?? null])) }));
  const hasLoss = lossRows.some((r) => ev.categories.some((c) => r[c as keyof typeof r] !== null));
  const hasWins = winRows.some((r) => ev.categories.some((c) => r[c as keyof typeof r] !== null));
  return (
    <div className="space-y-6" data-testid="evaluation-page">
      <div className="flex items-baseline justify-between">
        <h1 className="text-2xl font-semibold">{t("title", { name: project.name })}</h1>
        <Link href={`/models/${project.slug}`} className="text-sm text-indigo-600 underline dark:text-indigo-400">
          {t("models")}
        </Link>
      </div>
      {ev.versions.length === 0 ? (
        <p className="text-sm text-slate-600 dark:text-slate-400" data-testid="no-versions">
          {t("noVersions")}
        </p>
      ) : (
        <>
          <Card title={t("across")}>
            <div className="grid gap-6 lg:grid-cols-2">
              <div>
                <h3 className="mb-1 text-sm font-medium">{t("lossChart")}</h3>
                {hasLoss ? <CategoryLines rows={lossRows} categories={ev.categories.map((c) => ({ key: c, name: categoryName(c) }))} testId="loss-chart" /> : <p className="text-sm text-slate-500">{t("noLoss")}</p>}
              </div>
              <div>
                <h3 className="mb-1 text-sm font-medium">{t("winChart")}</h3>
                {hasWins ? <CategoryLines rows={winRows} categories={ev.categories.map((c) => ({ key: c, name: categoryName(c) }))} testId="win-chart" percent /> : <p className="text-sm text-slate-500">{t("noWins")}</p>}
              </div>
            </div>
          </Card>
          <Card title={t("byCategory")}>
            <div className="overflow-x-auto">
              <table className="w-full text-start text-sm" data-testid="evaluation-table">
                <thead className="text-slate-500">
                  <tr>
                    <th className="py-1 pe-4 text-start">{t("category")}</th>
                    {ev.versions.map((v) => (
                      <th key={v.id} className="pe-4 text-start" data-testid={`version-head-${v.label}`}>
                        <span data-testid="version-label">{v.label}</span>
                        {v.isActive && (
                          <span data-testid="active-badge" className="ms-1 rounded bg-indigo-600 px-1.5 text-xs text-white">
                            {t("active")}
                          </span>
                        )}
                        <div className="text-xs font-normal">
                          {t("versionLine", { loss: v.loss != null ? fixed(format, v.loss, 3) : "—", ppl: v.perplexity != null ? fixed(format, v.perplexity, 1) : "—" })}
                        </div>
                        {isAdmin && v.canEvaluate && !Object.values(v.byCategory).some((c) => c.loss) && <EvaluateButton projectSlug={project.slug} versionId={v.id} />}
                      </th>
                    ))}
                  </tr>
                </thead>
                <tbody>
                  {[ALL, ...ev.categories].map((c) => (
                    <tr key={c} className="border-t border-slate-100 align-top dark:border-slate-800" data-testid={`evaluation-row-${c}`}>
                      <td className="py-2 pe-4 font-medium">{categoryName(c)}</td>
                      {ev.versions.map((v) => {
                        const cell = c === ALL ? { ...v.all, loss: null } : v.byCategory[c];
                        return (
                          <td key={v.id} className="py-2 pe-4" data-testid={`cell-${v.label}-${c}`}>
                            {cell ? <Cell cell={cell} t={t} format={format} /> : <span className="text-slate-400">—</span>}
                          </td>
                        );
                      })}
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
            <p className="mt-3 text-xs text-slate-500">
              {t("note", { confidence: BOOTSTRAP.confidence, rounds: BOOTSTRAP.rounds, seed: BOOTSTRAP.seed, half: 0.5, minJudgments: ev.method.minJudgments, z: ev.method.lossNoiseZ })}
            </p>
          </Card>
        </>
      )}
    </div>
  );
}
