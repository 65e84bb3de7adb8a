// A ranking item's other questions on the review page: mean/median ratings with α, majority labels with α, strength margins, critiques and spans.
"use client";
import { useFormatter, useTranslations } from "next-intl";
import type { QuestionConsensus } from "@/lib/consensus/questions";

export function QuestionsSummary({ questions, labels }: { questions: QuestionConsensus[]; labels: Map<string, string> }) {
  const t = useTranslations("review");
  const format = useFormatter();
  const fixed = (x: number | null, d = 2) => (x === null ? "—" : format.number(x, { minimumFractionDigits: d, maximumFractionDigits: d }));
  const list = (items: string[]) => format.list(items, { type: "unit", style: "short" });
  const n = (x: number) => format.number(x);
  return (
    <div data-testid="question-consensus" className="space-y-2 rounded border border-slate-100 p-2 text-xs dark:border-slate-800">
      {questions.map((q) => (
        <div key={q.id} data-testid={`question-consensus-${q.id}`} data-type={q.type}>
          <span className="font-medium">{q.id}</span>{" "}
          {q.type === "rating" && (
            <>
              {t("questions.alphaInterval")} <strong data-testid={`alpha-${q.id}`} data-value={q.alpha ?? ""}>{fixed(q.alpha)}</strong>
              {Object.entries(q.byOutput).map(([id, byCriterion]) => (
                <span key={id} className="ms-3">
                  {t("questions.outputMean", {
                    output: labels.get(id) ?? "?",
                    mean: fixed(q.overall[id]),
                    criteria: list(Object.entries(byCriterion).map(([c, s]) => t("questions.criterion", { criterion: c, mean: fixed(s.mean), median: fixed(s.median, 1) }))),
                  })}
                </span>
              ))}
            </>
          )}
          {q.type === "label" && (
            <>
              {t("questions.alphaNominal")} <strong data-testid={`alpha-${q.id}`} data-value={q.alpha ?? ""}>{fixed(q.alpha)}</strong> · {t("questions.majority", { labels: q.majority.length ? list(q.majority) : "—" })} ·{" "}
              {list(
                Object.entries(q.counts)
                  .filter(([, count]) => count > 0)
                  .map(([o, count]) => `${o} ${n(count)}`),
              )}
            </>
          )}
          {q.type === "pairwise" && (
            <>
              {t("questions.alphaInterval")} <strong data-testid={`alpha-${q.id}`} data-value={q.alpha ?? ""}>{fixed(q.alpha)}</strong>
              {q.pairs.map((p) => (
                <span key={`${p.a}-${p.b}`} className="ms-3">
                  {t("questions.pair", { a: labels.get(p.a) ?? "?", b: labels.get(p.b) ?? "?", margin: fixed(p.margin), strength: fixed(p.meanStrength), n: p.n })}
                </span>
              ))}
            </>
          )}
          {q.type === "text" && <span className="italic text-slate-600 dark:text-slate-400">{q.texts.map((text) => t("questions.quoted", { text })).join(" · ") || "—"}</span>}
          {q.type === "span" && <span>{q.spans.map((s) => `${labels.get(s.completionId) ?? "?"} ${n(s.start)}–${n(s.end)} ${s.label} ×${n(s.count)}`).join(t("listSeparator")) || "—"}</span>}
        </div>
      ))}
    </div>
  );
}
