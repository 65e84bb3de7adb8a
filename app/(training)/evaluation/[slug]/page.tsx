// Evaluation per category: each model version's held-out loss, win rates against the previous and the active version with
// intervals, and output lengths, per category, marked where a version improved or regressed; a chart across versions.
import Link from "next/link";
import { Card } from "@/app/_components/form";
import { projectOrNotFound } from "@/app/_components/project-picker";
import { requirePageRole } from "@/lib/auth/session";
import type { Mark, WinCell } from "@/lib/evaluation/compare";
import { projectEvaluation, type EvaluationCell } from "@/lib/evaluation/evaluation";
import { hasRole } from "@/lib/auth/roles";
import { CategoryLines } from "./evaluation-charts";
import { EvaluateButton } from "./evaluate-button";

const ALL = "(all)";
const markClass = (m: Mark) => (m === "improved" ? "text-green-700 dark:text-green-400" : m === "regressed" ? "text-red-700 dark:text-red-400" : "");
const markSign = (m: Mark) => (m === "improved" ? " ▲" : m === "regressed" ? " ▼" : "");

function Win({ w, what }: { w: WinCell | null; what: string }) {
  if (!w || w.winRate === null) return null;
  return (
    <div className={markClass(w.mark)} data-testid={`win-${what}`} data-mark={w.mark ?? "none"} title={`${w.wins} won, ${w.losses} lost, ${w.ties} tied against ${w.against}`}>
      vs {what === "active" ? "active " : ""}
      {w.against} {w.winRate.toFixed(0)}% <span className="text-xs">[{w.ci![0].toFixed(0)}, {w.ci![1].toFixed(0)}] n={w.n}</span>
      {markSign(w.mark)}
    </div>
  );
}

function Cell({ cell }: { cell: Omit<EvaluationCell, "loss"> & { loss: EvaluationCell["loss"] } }) {
  return (
    <div className="space-y-0.5 text-xs tabular-nums">
      <Win w={cell.vsPrevious} what="previous" />
      <Win w={cell.vsActive} what="active" />
      {cell.loss && (
        <div className={markClass(cell.loss.mark)} data-testid="loss" data-mark={cell.loss.mark ?? "none"} title={`${cell.loss.examples} held-out rows, ${cell.loss.tokens} tokens`}>
          loss {cell.loss.loss.toFixed(3)}
          {cell.loss.se !== null && <span> ± {cell.loss.se.toFixed(3)}</span>}
          {markSign(cell.loss.mark)}
        </div>
      )}
      {cell.length && (
        <div className="text-slate-500" data-testid="length">
          {cell.length.meanChars.toFixed(0)} / {cell.length.medianChars.toFixed(0)} chars ({cell.length.outputs})
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
  const lossRows = ev.versions.map((v) => ({ version: v.label, ...Object.fromEntries(ev.categories.map((c) => [c, v.byCategory[c]?.loss?.loss ?? null])) }));
  const winRows = ev.versions.map((v) => ({ version: v.label, ...Object.fromEntries(ev.categories.map((c) => [c, v.byCategory[c]?.vsPrevious?.winRate ?? null])) }));
  const hasLoss = lossRows.some((r) => ev.categories.some((c) => r[c as keyof typeof r] !== null));
  const hasWins = winRows.some((r) => ev.categories.some((c) => r[c as keyof typeof r] !== null));
  return (
    <div className="space-y-6" data-testid="evaluation-page">
      <div className="flex items-baseline justify-between">
        <h1 className="text-2xl font-semibold">Evaluation · {project.name}</h1>
        <Link href={`/models/${project.slug}`} className="text-sm text-indigo-600 underline dark:text-indigo-400">
          Models
        </Link>
      </div>
      {ev.versions.length === 0 ? (
        <p className="text-sm text-slate-600 dark:text-slate-400" data-testid="no-versions">
          No model versions yet. A finished training run registers one.
        </p>
      ) : (
        <>
          <Card title="Across versions">
            <div className="grid gap-6 lg:grid-cols-2">
              <div>
                <h3 className="mb-1 text-sm font-medium">Held-out loss by category</h3>
                {hasLoss ? <CategoryLines rows={lossRows} categories={ev.categories} testId="loss-chart" /> : <p className="text-sm text-slate-500">No per-category held-out loss recorded (versions trained before it was, through a launcher, or without SFT eval rows).</p>}
              </div>
              <div>
                <h3 className="mb-1 text-sm font-medium">Win rate against the previous version by category</h3>
                {hasWins ? <CategoryLines rows={winRows} categories={ev.categories} testId="win-chart" percent /> : <p className="text-sm text-slate-500">No rankings between a version&apos;s outputs and its previous version&apos;s yet.</p>}
              </div>
            </div>
          </Card>
          <Card title="By category">
            <div className="overflow-x-auto">
              <table className="w-full text-left text-sm" data-testid="evaluation-table">
                <thead className="text-slate-500">
                  <tr>
                    <th className="py-1 pr-4">Category</th>
                    {ev.versions.map((v) => (
                      <th key={v.id} className="pr-4" data-testid={`version-head-${v.label}`}>
                        <span data-testid="version-label">{v.label}</span>
                        {v.isActive && (
                          <span data-testid="active-badge" className="ml-1 rounded bg-indigo-600 px-1.5 text-xs text-white">
                            active
                          </span>
                        )}
                        <div className="text-xs font-normal">
                          loss {v.loss?.toFixed(3) ?? "—"} · ppl {v.perplexity?.toFixed(1) ?? "—"}
                        </div>
                        {isAdmin && v.canEvaluate && !Object.values(v.byCategory).some((c) => c.loss) && <EvaluateButton projectSlug={project.slug} versionId={v.id} />}
                      </th>
                    ))}
                  </tr>
                </thead>
                <tbody>
                  {[ALL, ...ev.categories].map((c) => (
                    <tr key={c} className="border-t border-slate-100 align-top dark:border-slate-800" data-testid={`evaluation-row-${c}`}>
                      <td className="py-2 pr-4 font-medium">{c}</td>
                      {ev.versions.map((v) => {
                        const cell = c === ALL ? { ...v.all, loss: null } : v.byCategory[c];
                        return (
                          <td key={v.id} className="py-2 pr-4" data-testid={`cell-${v.label}-${c}`}>
                            {cell ? <Cell cell={cell} /> : <span className="text-slate-400">—</span>}
                          </td>
                        );
                      })}
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
            <p className="mt-3 text-xs text-slate-500">
              Each cell: the win rate against the previous version, then against the active one; the held-out loss; the output length. Win rate: share of judgments between the two versions&apos; outputs the version won (release-gate comparisons and any other human rankings), with a {ev.method.interval}. ▲ improved / ▼ regressed where the
              interval excludes 50% and there are at least {ev.method.minJudgments} judgments, or where the held-out loss moved by more than {ev.method.lossNoiseZ} standard errors of the difference from the previous
              version&apos;s. Length: {ev.method.length}, mean / median (count).
            </p>
          </Card>
        </>
      )}
    </div>
  );
}
