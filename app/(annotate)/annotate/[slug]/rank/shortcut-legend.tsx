// The ranker's keyboard shortcuts, beside the list.
import { useTranslations } from "next-intl";

export function ShortcutLegend({ count }: { count: number }) {
  const t = useTranslations("rank.keys");
  return (
    <aside data-testid="shortcut-legend" className="h-fit rounded-lg border border-slate-200 bg-white p-4 text-sm dark:border-slate-800 dark:bg-slate-900">
      <h2 className="mb-2 font-medium">{t("title")}</h2>
      <dl className="grid grid-cols-[auto_1fr] gap-x-3 gap-y-1">
        <dt>
          <kbd>↑</kbd> <kbd>↓</kbd>
        </dt>
        <dd>{t("focus")}</dd>
        <dt>
          <kbd>1</kbd>–<kbd>{count}</kbd>
        </dt>
        <dd>{t("toRank")}</dd>
        <dt>
          <kbd>Alt</kbd>/<kbd>Shift</kbd> + <kbd>↑</kbd>
          <kbd>↓</kbd>
        </dt>
        <dd>{t("move")}</dd>
        <dt>
          <kbd>t</kbd>
        </dt>
        <dd>{t("tie")}</dd>
        <dt>
          <kbd>Enter</kbd>
        </dt>
        <dd>{t("submit")}</dd>
      </dl>
    </aside>
  );
}
