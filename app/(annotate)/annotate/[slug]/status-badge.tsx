// A prompt's status as a coloured badge.
import { useTranslations } from "next-intl";

const statusStyle: Record<string, string> = {
  draft: "bg-slate-100 text-slate-700 dark:bg-slate-800 dark:text-slate-300",
  submitted: "bg-amber-100 text-amber-800 dark:bg-amber-950 dark:text-amber-300",
  approved: "bg-green-100 text-green-800 dark:bg-green-950 dark:text-green-300",
  rejected: "bg-red-100 text-red-800 dark:bg-red-950 dark:text-red-300",
};

export function StatusBadge({ status }: { status: string }) {
  const t = useTranslations("status");
  return (
    <span data-testid="status-badge" data-status={status} className={`rounded px-2 py-0.5 text-xs font-medium ${statusStyle[status] ?? ""}`}>
      {status in statusStyle ? t(status as "draft") : status}

    </span>
  );
}
