// Small formatters for runs: durations, times left, metric values and names, phases, run status colours.
import type { RunPhase } from "@/lib/validation/run-progress";

export { metricLabel } from "@/lib/validation/run-progress";

/** What a live run is doing, in words. */
export const phaseWords: Record<RunPhase, string> = {
  waiting: "waiting for a worker",
  resuming: "resuming after its worker stopped",
  exporting: "exporting a snapshot of the project's data",
  starting: "starting the trainer (loading the snapshot, planning memory)",
  pilot: "pilot run: training on a small share first, going on only if held-out loss falls",
  reference: "scoring the pairs with the reference model before DPO",
  training: "training",
  evaluating: "evaluating on held-out data",
  saving: "saving the checkpoint",
  registering: "registering the model version",
  done: "done",
};

export const stageWords: Record<string, string> = { pretrain: "pretraining", sft: "SFT", dpo: "DPO", rm: "reward model" };

export function formatBytes(b: number): string {
  return b >= 2 ** 30 ? `${(b / 2 ** 30).toFixed(2)} GiB` : `${Math.round(b / 2 ** 20)} MiB`;
}

export function formatDuration(ms: number | null | undefined): string {
  if (ms == null || !Number.isFinite(ms) || ms < 0) return "—";
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

export function formatMetric(v: unknown): string {
  if (typeof v !== "number" || !Number.isFinite(v)) return v == null ? "—" : typeof v === "string" ? v : JSON.stringify(v);
  if (Number.isInteger(v) && Math.abs(v) >= 1000) return v.toLocaleString("en-US");
  return Math.abs(v) >= 100 ? v.toFixed(1) : v.toPrecision(4).replace(/\.?0+$/, "");
}

export function formatTime(iso: string | null | undefined): string {
  if (!iso) return "—";
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
  return (
    <span data-testid={testId ?? "run-status"} className={`inline-block rounded px-2 py-0.5 text-xs font-medium ${statusClass[status] ?? statusClass.queued}`}>
      {status}
    </span>
  );
}
