// One queue card: kind, category and author, the instruction and input, a raw-text toggle, the bidi warning and the body.
"use client";
import { useTranslations } from "next-intl";
import { ConversationHistory } from "@/app/_components/conversation-history";
import { itemTexts, type QueueItem } from "@/lib/reviews/queue-items";
import { DecisionPanel } from "./decision-panel";
import { ItemBody } from "./item-body";
import { BidiWarning, TextView } from "./text-view";
import type { ReviewQueueState } from "./use-review-queue";

export function QueueItemCard({ item, index, q }: { item: QueueItem; index: number; q: ReviewQueueState }) {
  const active = index === q.selected;
  const raw = q.isRaw(item);
  const t = useTranslations("review.item");
  return (
    <li
      ref={q.cardRef(item)}
      tabIndex={0}
      onFocus={(e) => {
        if (e.target === e.currentTarget && !active) q.select(index);
      }}
      onClick={() => !active && q.select(index)}
      data-testid="queue-item"
      data-kind={item.kind}
      data-id={item.id}
      data-selected={active ? "true" : undefined}
      aria-current={active ? "true" : undefined}
      className={`rounded-lg border bg-white p-4 shadow-sm outline-none dark:bg-slate-900 ${active ? "border-indigo-500 ring-2 ring-indigo-500/40" : "border-slate-200 dark:border-slate-800"}`}
    >
      <div className="mb-2 flex flex-wrap items-center gap-2 text-xs text-slate-500 dark:text-slate-400">
        <span className="rounded bg-slate-100 px-2 py-0.5 font-medium text-slate-700 dark:bg-slate-800 dark:text-slate-300">{t(`kinds.${item.kind}`)}</span>
        {item.category && <span>{item.category}</span>}
        {(item.kind === "prompt" || item.kind === "demonstration") && item.authorName && <span>{t("by", { name: item.authorName })}</span>}
        <button
          type="button"
          data-testid="raw-toggle"
          aria-pressed={raw}
          onClick={(e) => {
            e.stopPropagation();
            q.toggleRaw(item);
          }}
          className="ms-auto rounded border border-slate-300 px-2 py-0.5 hover:bg-slate-100 dark:border-slate-700 dark:hover:bg-slate-800"
        >
          {raw ? t("rendered") : t("raw")} <kbd
 className="opacity-70">v</kbd>
        </button>
      </div>
      {item.history && item.history.length > 0 && (
        <div className="mb-3">
          <ConversationHistory history={item.history} />
        </div>
      )}
      <TextView raw={raw} testId="item-instruction" className="font-medium" text={item.instruction} />
      {item.input && <TextView raw={raw} testId="item-input" className="mt-2 rounded bg-slate-50 p-2 text-sm dark:bg-slate-800/60" text={item.input} />}
      <BidiWarning texts={itemTexts(item)} />
      <ItemBody item={item} raw={raw} />
      {active && <DecisionPanel item={item} q={q} />}
    </li>
  );
}
