// Small formatters for runs: durations, times left, metric values and names, phases, run status colours.
import { useTranslations, type useFormatter } from "next-intl";

/** next-intl's formatter (useFormatter on the client, getFormatter on the server): numbers and dates in the UI's locale. */
export type Formatter = ReturnType<typeof useFormatter>;

export { metricLabel } from "@/lib/validation/run-progress";

/** A stage's name in the UI's language (an unknown stage as it is). */
export function stageName(t: (key: "pretrain" | "sft" | "dpo" | "rm") => string, stage: string): string {
  return ["pretrain", "sft", "dpo", "rm"].includes(stage) ? t(stage as "sft") : stage;
}

export function formatBytes(b: number, format?: Formatter): string {
  if (format) return b >= 2 ** 30 ? `${format.number(b / 2 ** 30, { minimumFractionDigits: 2, maximumFractionDigits: 2 })} GiB` : `${format.number(Math.round(b / 2 ** 20), { useGrouping: false })} MiB`;
  return b >= 2 ** 30 ? `${(b / 2 ** 30).toFixed(2)} GiB` : `${Math.round(b / 2 ** 20)} MiB`;
}

export function formatDuration(ms: number | null | undefined, format?: Formatter): string {
  if (ms == null || !Number.isFinite(ms) || ms < 0) return "—";
  if (format) {
    // Intl's narrow units: "5m 03s" in English, "5 min 03 s" in Spanish, Arabic's own unit letters and digits.
    const unit = (n: number, u: "hour" | "minute" | "second", pad = false) => format.number(n, { style: "unit", unit: u, unitDisplay: "narrow", minimumIntegerDigits: pad ? 2 : 1 });
    const s = Math.round(ms / 1000);
    if (s < 60) return unit(s, "second");
    const m = Math.floor(s / 60);
    if (m < 60) return `${unit(m, "minute")} ${unit(s % 60, "second", true)}`;
    return `${unit(Math.floor(m / 60), "hour")} ${unit(m % 60, "minute", true)}`;
  }
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m ${String(s % 60).padStart(2, "0")}s`;
  return `${Math.floor(m / 60)}h ${String(m % 60).padStart(2, "0")}m`;
}

/** Wall time of a run: start to finish, or start to now while it runs. */
export function runDuration(run: { startedAt: string | null; finishedAt: string | null; status: string }, now = Date.now()): number | null {
  if (!run.startedAt) return null;
  const end = run.finishedAt ? Date.parse(run.finishedAt) : run.status === "running" ? now : null;
  return end == null ? null : end - Date.parse(run.startedAt);
}

export function formatMetric(v: unknown, format?: Formatter): string {
  if (typeof v !== "number" || !Number.isFinite(v)) return v == null ? "—" : typeof v === "string" ? v : JSON.stringify(v);
  if (format) {
    if (Number.isInteger(v) && Math.abs(v) >= 1000) return format.number(v);
    return Math.abs(v) >= 100 ? format.number(v, { minimumFractionDigits: 1, maximumFractionDigits: 1, useGrouping: false }) : format.number(v, { maximumSignificantDigits: 4, useGrouping: false });
  }
  if (Number.isInteger(v) && Math.abs(v) >= 1000) return v.toLocaleString("en-US");
  return Math.abs(v) >= 100 ? v.toFixed(1) : v.toPrecision(4).replace(/\.?0+$/, "");
}

export function formatTime(iso: string | null | undefined, format?: Formatter): string {
  if (!iso) return "—";
  if (format) return format.dateTime(new Date(iso), { dateStyle: "medium", timeStyle: "long" });
  return new Date(iso).toISOString().replace("T", " ").slice(0, 19) + " UTC";
}

export const statusClass: Record<string, string> = {
  queued: "bg-slate-100 text-slate-700 dark:bg-slate-800 dark:text-slate-300",
  running: "bg-blue-100 text-blue-800 dark:bg-blue-950 dark:text-blue-300",
  succeeded: "bg-green-100 text-green-800 dark:bg-green-950 dark:text-green-300",
  failed: "bg-red-100 text-red-800 dark:bg-red-950 dark:text-red-300",
  cancelled: "bg-amber-100 text-amber-800 dark:bg-amber-950 dark:text-amber-300",
};

export function StatusBadge({ status, testId }: { status: string; testId?: string }) {
  const t = useTranslations("training.status");
  return (
    <span data-testid={testId ?? "run-status"} className={`inline-block rounded px-2 py-0.5 text-xs font-medium ${statusClass[status] ?? statusClass.queued}`}>
      {status in statusClass ? t(status as "queued") : status}
    </span>
  );
}
