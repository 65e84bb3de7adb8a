// The queue's make-up on the project page: open ranking tasks by kind, version and import batch, and the order in force.
import { useFormatter, useTranslations } from "next-intl";
import type { QueueMakeup } from "@/lib/rankings/queue-makeup";

export function QueueMakeupTable({ makeup }: { makeup: QueueMakeup }) {
  const t = useTranslations("admin.queue");
  const format = useFormatter();
  return (
    <div className="space-y-3 text-sm" data-testid="queue-makeup">
      <p>
        {t("order")} <span data-testid="queue-order" className="font-mono">{makeup.order.join(" → ")}</span>{" "}
        {makeup.activeVersion ? t("active", { version: makeup.activeVersion }) : t("noActive")}
      </p>
      {makeup.rows.length === 0 ? (
        <p className="text-slate-600 dark:text-slate-400">{t("none")}</p>
      ) : (
        <table className="w-full text-start">
          <thead className="text-xs text-slate-500">
            <tr>
              <th className="py-1 text-start font-medium">{t("kind")}</th>
              <th className="py-1 text-start font-medium">{t("batch")}</th>
              <th className="py-1 text-start font-medium">{t("pin")}</th>
              <th className="py-1 text-end font-medium">{t("open")}</th>
            </tr>
          </thead>
          <tbody>
            {makeup.rows.map((r) => (
              <tr key={`${r.kind}-${r.label ?? ""}`} data-testid={`queue-row-${r.kind}`} className="border-t border-slate-200 dark:border-slate-800">
                <td className="py-1">{t(`kinds.${r.kind}`)}</td>
                <td className="py-1">{r.kind === "import" ? (r.label ? (r.file ? t("importBatchFile", { label: r.label, file: r.file }) : t("importBatch", { label: r.label })) : t("noImportRecord")) : (r.label ?? "—")}</td>
                <td className="py-1 font-mono text-xs">{r.batch ?? ""}</td>
                <td className="py-1 text-end tabular-nums">{format.number(r.open)}</td>
              </tr>
            ))}
          </tbody>
          <tfoot>
            <tr className="border-t border-slate-300 font-semibold dark:border-slate-700">
              <td className="py-1" colSpan={3}>
                {t("all")}
              </td>
              <td className="py-1 text-end tabular-nums" data-testid="queue-total">
                {format.number(makeup.total)}
              </td>
            </tr>
          </tfoot>
        </table>
      )}
    </div>
  );
}
