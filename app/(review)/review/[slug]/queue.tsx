// The review queue: its items (Approve / Reject with a reason / Edit with a diff, gold answers) and the keyboard legend.
"use client";
import { useTranslations } from "next-intl";
import type { QueueItem } from "@/lib/reviews/queue-items";
import { QueueItemCard } from "./queue-item";
import { useReviewQueue } from "./use-review-queue";

const keys = [
  ["j / k", "nextPrevious"],
  ["a", "approve"],
  ["r", "reject"],
  ["e", "edit"],
  ["v", "raw"],
  ["Esc", "close"],
] as const;

export function ReviewQueue({ items: initial }: { items: QueueItem[] }) {
  const q = useReviewQueue(initial);
  const t = useTranslations("review.queue");

  return (
    <div className="grid gap-4 lg:grid-cols-[minmax(0,1fr)_14rem]">
      <div className="space-y-3">
        {q.status && (
          <p role="status" data-testid="queue-status" className="rounded-md bg-green-50 px-3 py-2 text-sm text-green-800 dark:bg-green-950 dark:text-green-300">
            {q.status}
          </p>
        )}
        {q.items.length === 0 ? (
          <p data-testid="queue-empty" className="rounded-lg border border-dashed border-slate-300 p-8 text-center text-slate-600 dark:border-slate-700 dark:text-slate-400">
            {t("empty")}
          </p>
        ) : (
          <ol className="space-y-3" data-testid="queue-list">
            {q.items.map((item, i) => (
              <QueueItemCard key={q.keyOf(item)} item={item} index={i} q={q} />
            ))}
          </ol>
        )}
      </div>
      <aside data-testid="queue-legend" className="h-fit rounded-lg border border-slate-200 bg-white p-4 text-sm dark:border-slate-800 dark:bg-slate-900">
        <h2 className="mb-2 font-medium">{t("keyboard")}</h2>
        <dl className="grid grid-cols-[auto_1fr] gap-x-3 gap-y-1">
          {keys.map(([k, what]) => (
            <div key={k} className="contents">
              <dt>
                <kbd>{k}</kbd>
              </dt>
              <dd>{t(`keys.${what}`)}</dd>
            </div>
          ))}
        </dl>
        <p className="mt-3 text-xs text-slate-500 dark:text-slate-400">{t("inView", { count: q.items.length })}</p>

      </aside>
    </div>
  );
}
