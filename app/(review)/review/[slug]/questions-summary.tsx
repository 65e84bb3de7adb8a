// A ranking item's other questions on the review page: mean/median ratings with α, majority labels with α, strength margins, critiques and spans.
import type { QuestionConsensus } from "@/lib/consensus/questions";

const fixed = (x: number | null, d = 2) => (x === null ? "—" : x.toFixed(d));

export function QuestionsSummary({ questions, labels }: { questions: QuestionConsensus[]; labels: Map<string, string> }) {
  return (
    <div data-testid="question-consensus" className="space-y-2 rounded border border-slate-100 p-2 text-xs dark:border-slate-800">
      {questions.map((q) => (
        <div key={q.id} data-testid={`question-consensus-${q.id}`} data-type={q.type}>
          <span className="font-medium">{q.id}</span>{" "}
          {q.type === "rating" && (
            <>
              α (interval) <strong data-testid={`alpha-${q.id}`} data-value={q.alpha ?? ""}>{fixed(q.alpha)}</strong>
              {Object.entries(q.byOutput).map(([id, byCriterion]) => (
                <span key={id} className="ml-3">
                  {labels.get(id) ?? "?"}: mean {fixed(q.overall[id])} ({Object.entries(byCriterion).map(([c, s]) => `${c} ${fixed(s.mean)}/median ${fixed(s.median, 1)}`).join(", ")})
                </span>
              ))}
            </>
          )}
          {q.type === "label" && (
            <>
              α (nominal) <strong data-testid={`alpha-${q.id}`} data-value={q.alpha ?? ""}>{fixed(q.alpha)}</strong> · majority {q.majority.join(", ") || "—"} · {Object.entries(q.counts).filter(([, n]) => n > 0).map(([o, n]) => `${o} ${n}`).join(", ")}
            </>
          )}
          {q.type === "pairwise" && (
            <>
              α (interval) <strong data-testid={`alpha-${q.id}`} data-value={q.alpha ?? ""}>{fixed(q.alpha)}</strong>
              {q.pairs.map((p) => (
                <span key={`${p.a}-${p.b}`} className="ml-3">
                  {labels.get(p.a)} vs {labels.get(p.b)}: Bradley–Terry margin {fixed(p.margin)} (mean strength {fixed(p.meanStrength)}, {p.n})
                </span>
              ))}
            </>
          )}
          {q.type === "text" && <span className="italic text-slate-600 dark:text-slate-400">{q.texts.map((t) => `“${t}”`).join(" · ") || "—"}</span>}
          {q.type === "span" && <span>{q.spans.map((s) => `${labels.get(s.completionId)} ${s.start}–${s.end} ${s.label} ×${s.count}`).join("; ") || "—"}</span>}
        </div>
      ))}
    </div>
  );
}
