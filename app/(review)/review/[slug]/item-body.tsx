// What a queue item shows under its instruction: the demonstration, the rewrite against the original, or a ranking's figures.
"use client";
import { useFormatter, useTranslations } from "next-intl";
import { Diff } from "@/app/_components/diff";
import { letter, orderLabel, splitAtHits, type QueueItem } from "@/lib/reviews/queue-items";
import { QuestionsSummary } from "./questions-summary";
import { TextView } from "./text-view";

const caption = "mb-1 text-xs uppercase tracking-wide text-slate-500 dark:text-slate-400";

export function ItemBody({ item, raw }: { item: QueueItem; raw: boolean }) {
  const t = useTranslations("review.body");
  if (item.kind === "prompt") {
    return item.demonstration ? (
      <div className="mt-3">
        <div className={caption}>{t("demonstration")}</div>
        <TextView raw={raw} testId="item-demonstration" className="max-h-80 overflow-auto rounded border border-slate-100 p-2 text-sm dark:border-slate-800" text={item.demonstration} />
      </div>
    ) : (
      <p className="mt-3 text-xs text-slate-500">{t("noDemonstration")}</p>
    );
  }
  if (item.kind === "demonstration") {
    if (item.parentText === null) {
      return (
        <div className="mt-3">
          <div className={caption}>{t("demonstration")}</div>
          <TextView raw={raw} testId="item-demonstration" className="text-sm" text={item.text} />
        </div>
      );
    }
    return (
      <div className="mt-3 space-y-2">
        <div className={caption}>{t("rewriteOf")}</div>
        <Diff before={item.parentText} after={item.text} testId="rewrite-diff" />
        {raw && <TextView raw testId="item-demonstration" className="text-sm" text={item.text} />}
      </div>
    );
  }
  if (item.kind === "screening") return <ScreeningBody item={item} />;
  return <RankingBody item={item} raw={raw} />;
}

/** Each screened text with its PII hits marked, and the moderation model's categories when it flagged the prompt. */
function ScreeningBody({ item }: { item: Extract<QueueItem, { kind: "screening" }> }) {
  const t = useTranslations("review.body");
  return (
    <div className="mt-3 space-y-3 text-sm">
      {item.safety && (
        <p role="alert" data-testid="safety-flag" className="rounded border border-red-300 bg-red-50 px-3 py-2 text-red-900 dark:border-red-800 dark:bg-red-950 dark:text-red-200">
          {item.safety.length ? t("flaggedAs", { categories: item.safety.join(", ") }) : t("flagged")}
        </p>
      )}
      {item.texts
        .filter((text) => text.hits.length > 0)
        .map((text) => (
          <div key={text.label} data-testid="screened-text" data-label={text.label}>
            <div className={caption}>
              {text.label}: {text.hits.map((h) => h.kind).join(", ")}
            </div>
            <pre className="max-h-80 overflow-auto whitespace-pre-wrap break-words rounded border border-slate-100 p-2 font-sans dark:border-slate-800">
              {splitAtHits(text.text, text.hits).map((s, i) =>
                s.kind ? (
                  <mark key={i} data-testid="pii-hit" data-kind={s.kind} title={s.kind} className="rounded bg-amber-200 px-0.5 text-amber-950 dark:bg-amber-700 dark:text-amber-50">
                    {s.text}
                  </mark>
                ) : (
                  <span key={i}>{s.text}</span>
                ),
              )}
            </pre>
          </div>
        ))}
    </div>
  );
}

function RankingBody({ item, raw }: { item: Extract<QueueItem, { kind: "ranking" }>; raw: boolean }) {
  const labels = new Map(item.completions.map((c, i) => [c.id, letter(i)]));
  const t = useTranslations("review.body");
  const format = useFormatter();
  const fixed2 = (x: number) => format.number(x, { minimumFractionDigits: 2, maximumFractionDigits: 2 });
  return (
    <div className="mt-3 space-y-3 text-sm">
      <div className="flex flex-wrap gap-x-6 gap-y-1">
        <span>
          {t("agreement")}{" "}
          <strong data-testid="agreement" data-value={item.agreement ?? ""} className="tabular-nums">
            {item.agreement === null ? "—" : fixed2(item.agreement)}
          </strong>
        </span>
        <span>
          {t("consensus")}{" "}
          <strong data-testid="consensus-order" className="font-mono">
            {item.consensus ? orderLabel(item.consensus.map((id) => [id]), labels) : "—"}
          </strong>
        </span>
        <span className="text-slate-500 dark:text-slate-400">{t("rankings", { count: item.rankingCount })}</span>
        {item.suggestion && (
          <span data-testid="suggestion">
            {t("suggests", { label: item.suggestion.label })}{" "}
            <strong data-testid="suggestion-order" className="font-mono">
              {orderLabel(item.suggestion.order.map((id) => [id]), labels)}
            </strong>{" "}
            <span data-testid="suggestion-margin" data-value={item.suggestion.margin ?? ""} className="tabular-nums text-slate-500 dark:text-slate-400">
              {t("margin", { margin: item.suggestion.margin === null ? "—" : fixed2(item.suggestion.margin) })}
            </span>
          </span>
        )}
      </div>
      {item.questions && item.questions.length > 0 && <QuestionsSummary questions={item.questions} labels={labels} />}
      <ul className="space-y-1">
        {item.rankings.map((r) => (
          <li key={r.id} data-testid="annotator-order" className="flex flex-wrap gap-x-2">
            <span className="font-medium" data-testid="annotator-name">
              {r.annotatorName ?? "?"}
            </span>
            <span className="font-mono" data-testid="annotator-order-value">
              {orderLabel(r.order, labels)}
            </span>
            {r.noneAcceptable && <span className="text-xs text-amber-700 dark:text-amber-400">{t("noneAcceptable")}</span>}

            {Object.entries(r.flags).map(([id, fs]) => (
              <span key={id} className="text-xs text-red-700 dark:text-red-400">
                {labels.get(id)}: {fs.join(", ")}
              </span>
            ))}
            {r.rationale && <span className="text-xs italic text-slate-500">“{r.rationale}”</span>}
          </li>
        ))}
      </ul>
      <ol className="grid gap-2 sm:grid-cols-2">
        {item.completions.map((c, i) => (
          <li key={c.id} data-testid="item-output" className="rounded border border-slate-100 p-2 dark:border-slate-800">
            <div className="mb-1 text-xs font-semibold" data-testid="item-output-label">
              {letter(i)}
            </div>
            <TextView raw={raw} className="max-h-48 overflow-auto text-xs" text={c.text} />
          </li>
        ))}
      </ol>
    </div>
  );
}
