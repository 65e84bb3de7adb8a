// The queue's make-up on the project page: open ranking tasks by kind, version and import batch, and the order in force.
import type { QueueMakeup } from "@/lib/rankings/queue-makeup";

export function QueueMakeupTable({ makeup }: { makeup: QueueMakeup }) {
  return (
    <div className="space-y-3 text-sm" data-testid="queue-makeup">
      <p>
        Next-task order: <span data-testid="queue-order" className="font-mono">{makeup.order.join(" → ")}</span>
        {makeup.activeVersion ? ` · active version ${makeup.activeVersion}` : " · no active version"}
      </p>
      {makeup.rows.length === 0 ? (
        <p className="text-slate-600 dark:text-slate-400">No open ranking tasks.</p>
      ) : (
        <table className="w-full text-left">
          <thead className="text-xs text-slate-500">
            <tr>
              <th className="py-1 font-medium">Kind</th>
              <th className="py-1 font-medium">Version or batch</th>
              <th className="py-1 font-medium">To pin or boost</th>
              <th className="py-1 text-right font-medium">Open tasks</th>
            </tr>
          </thead>
          <tbody>
            {makeup.rows.map((r) => (
              <tr key={`${r.kind}-${r.label ?? ""}`} data-testid={`queue-row-${r.kind}`} className="border-t border-slate-200 dark:border-slate-800">
                <td className="py-1">{r.kindLabel}</td>
                <td className="py-1">{r.kind === "import" ? (r.label ? `import #${r.label}${r.file ? ` (${r.file})` : ""}` : "without an import record") : (r.label ?? "—")}</td>
                <td className="py-1 font-mono text-xs">{r.batch ?? ""}</td>
                <td className="py-1 text-right tabular-nums">{r.open.toLocaleString("en-US")}</td>
              </tr>
            ))}
          </tbody>
          <tfoot>
            <tr className="border-t border-slate-300 font-semibold dark:border-slate-700">
              <td className="py-1" colSpan={3}>
                All open tasks
              </td>
              <td className="py-1 text-right tabular-nums" data-testid="queue-total">
                {makeup.total.toLocaleString("en-US")}
              </td>
            </tr>
          </tfoot>
        </table>
      )}
    </div>
  );
}
