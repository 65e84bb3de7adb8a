// The live part of a run page: polls the run while it is queued or running, appending new metrics; shows its phase,
// stage, memory plan and log as they come; Cancel for admins.
"use client";
import { useEffect, useRef, useState } from "react";
import Link from "next/link";
import { useFormatter, useTranslations } from "next-intl";
import { Card, asyncHandler } from "@/app/_components/form";
import type { RunView } from "@/lib/runs/runs";
import { readRunProgress } from "@/lib/validation/run-progress";
import { StatusBadge, formatBytes, formatDuration, formatMetric, formatTime, runDuration, stageName } from "../../format";
import { cancelRun } from "../../actions";
import { RunCharts, type Metric } from "./run-charts";

const POLL_MS = 1500;
const isLive = (status: string) => status === "queued" || status === "running";

function ProgressBar({ run }: { run: RunView }) {
  const t = useTranslations("training");
  const format = useFormatter();
  const p = readRunProgress(run.progress);
  const total = p.totalSteps ?? run.hyperparameters.steps;
  const step = run.status === "succeeded" && total ? total : (p.step ?? 0);
  const pct = total ? Math.min(100, Math.max(0, (100 * step) / total)) : 0;
  const tps = p.tokensPerSec ?? null;
  // The time left is a training figure: between stages (reference scoring, saving, evaluation) it would stand still.
  const eta = p.phase === "training" ? (p.etaMs ?? null) : null;
  // The phase says what a live run is doing; once the run ends its status says it all.
  const phase = !isLive(run.status) ? null : p.phase ? t(`phase.${p.phase}`) : run.status === "queued" ? t("phase.waiting") : null;
  const spans = p.stages ?? [];
  const at = p.stage ? spans.findIndex((s) => s.stage === p.stage) : -1;
  const stageWord = p.stage ? stageName((k) => t(`stage.${k}`), p.stage) : null;
  const stage = stageWord ? (spans.length > 1 && at >= 0 ? t("run.stageOf", { stage: stageWord, at: at + 1, count: spans.length }) : t("run.stageLine", { stage: stageWord })) : null;
  const bar = run.status === "failed" ? "bg-red-500" : run.status === "cancelled" ? "bg-amber-500" : run.status === "succeeded" ? "bg-green-500" : "bg-indigo-600";
  return (
    <div className="space-y-2">
      <div
        role="progressbar"
        aria-label={t("run.progress")}
        aria-valuemin={0}
        aria-valuemax={total ?? 0}
        aria-valuenow={step}
        aria-valuetext={total ? t("run.stepOf", { step, total }) : t("run.notStarted")}
        data-testid="run-progress"
        className="h-3 w-full overflow-hidden rounded-full bg-slate-200 dark:bg-slate-800"
      >
        <div className={`h-full ${bar} transition-[width] duration-500 ${run.status === "running" ? "animate-pulse" : ""}`} style={{ width: `${pct}%` }} />
      </div>
      <div className="flex flex-wrap gap-x-6 gap-y-1 text-sm tabular-nums text-slate-600 dark:text-slate-400">
        <span data-testid="run-steps">
          {total ? t("run.stepsTotal", { step, total }) : t("run.steps", { step })} {t("run.percent", { pct: Math.round(pct) / 100 })}
        </span>
        {stage && <span data-testid="run-stage">{stage}</span>}
        {phase && <span data-testid="run-phase">{phase}</span>}
        {p.loss != null && <span>{t("run.loss", { value: formatMetric(p.loss, format) })}</span>}
        {tps != null && tps > 0 && <span data-testid="run-tokens-per-sec">{t("run.tokensPerSec", { n: Math.round(tps) })}</span>}
        {isLive(run.status) && eta != null && eta > 0 && <span data-testid="run-eta">{t("run.eta", { duration: formatDuration(eta, format) })}</span>}
      </div>
      {p.plan && (
        <p className="text-xs text-slate-500" data-testid="run-memory-plan">
          {t("run.memory", {
            micro: p.plan.microBatch,
            accum: p.plan.gradAccum,
            recompute: p.plan.recompute ? "yes" : p.plan.recompute === false ? "no" : "unknown",
            peak: formatBytes(p.plan.peakBytes, format),
            budget: formatBytes(p.plan.budgetBytes, format),
            backend: p.plan.backend,
          })}
        </p>
      )}
      {p.pilot && <PilotLine pilot={p.pilot} />}
      {p.skipped && p.skipped.length > 0 && (
        <p className="text-xs text-amber-700 dark:text-amber-400" data-testid="run-skipped">
          {t("run.skipped", { list: p.skipped.join("; ") })}
        </p>
      )}
    </div>
  );
}

/** The pilot's verdict: held-out loss before and after training on its share; the full run went on only if it fell. */
function PilotLine({ pilot }: { pilot: NonNullable<ReturnType<typeof readRunProgress>["pilot"]> }) {
  const t = useTranslations("training.run");
  const format = useFormatter();
  const loss = (x: number | null) => (x == null ? "—" : formatMetric(x, format));
  return (
    <p className={`text-sm ${pilot.passed ? "text-green-700 dark:text-green-400" : "text-red-700 dark:text-red-400"}`} data-testid="run-pilot" data-passed={pilot.passed}>
      {t("pilot", { share: pilot.share, examples: pilot.examples, before: loss(pilot.lossBefore), after: loss(pilot.lossAfter), passed: pilot.passed ? "yes" : "no" })}
    </p>
  );
}

/** A hyperparameter as the run page shows it: LoRA as its settings, the pilot as a share. */
function hyperWords(t: ReturnType<typeof useTranslations<"training.run">>, k: string, v: unknown): string {
  if (k === "lora" && v && typeof v === "object") {
    const l = v as { rank?: number; alpha?: number; targets?: string[] };
    return t("hyperLora", { rank: String(l.rank), alpha: String(l.alpha), targets: (l.targets ?? []).join(",") });
  }
  if (k === "pilot" && typeof v === "number") return t("hyperPilot", { share: v });
  return `${k} ${String(v)}`;
}

export function RunLive({ initialRun, initialMetrics, projectSlug, canCancel }: { initialRun: RunView; initialMetrics: Metric[]; projectSlug: string; canCancel: boolean }) {
  const t = useTranslations("training.run");
  const tt = useTranslations("training");
  const format = useFormatter();
  const [run, setRun] = useState(initialRun);
  const [metrics, setMetrics] = useState(initialMetrics);
  const [pollError, setPollError] = useState<string | null>(null);
  const [cancelError, setCancelError] = useState<string | null>(null);
  const [cancelling, setCancelling] = useState(false);
  const lastId = useRef(initialMetrics.at(-1)?.id ?? 0);
  const live = isLive(run.status);

  useEffect(() => {
    if (!live) return;
    let stopped = false;
    let timer: ReturnType<typeof setTimeout>;
    const poll = async () => {
      try {
        const res = await fetch(`/api/v1/runs/${run.id}?metricsAfter=${lastId.current}`, { cache: "no-store" });
        if (!res.ok) throw new Error(`HTTP ${res.status}`);
        const data = (await res.json()) as { run: RunView; metrics: Metric[] };
        if (stopped) return;
        const fresh = data.metrics.filter((m) => m.id > lastId.current);
        if (fresh.length) {
          lastId.current = fresh[fresh.length - 1].id;
          setMetrics((prev) => [...prev, ...fresh]);
        }
        setRun(data.run);
        setPollError(null);
      } catch (e) {
        if (!stopped) setPollError(t("pollPaused", { error: (e as Error).message }));
      }
      if (!stopped) timer = setTimeout(() => void poll(), POLL_MS);
    };
    timer = setTimeout(() => void poll(), POLL_MS);
    return () => {
      stopped = true;
      clearTimeout(timer);
    };
  }, [live, run.id, t]);

  const hp = run.hyperparameters;
  return (
    <div className="space-y-6" data-testid="run-live" data-status={run.status}>
      <Card>
        <div className="space-y-4">
          <div className="flex flex-wrap items-center justify-between gap-3">
            <div className="flex flex-wrap items-center gap-3 text-sm">
              <StatusBadge status={run.status} />
              <span>
                {t.rich("from", { stage: stageName((k) => tt(`stage.${k}`), run.stage), base: run.base, code: (chunks) => <code>{chunks}</code> })}
              </span>
              <span className="text-slate-500">
                {t.rich("data", { id: run.exportId ? run.exportId.slice(0, 8) : t("freshExport"), mono: (chunks) => <span className="font-mono">{chunks}</span> })}
              </span>
              <span className="text-slate-500">{t("trigger", { trigger: run.trigger })}</span>
              {live && (
                <span className="text-xs text-slate-500" data-testid="run-live-indicator">
                  {t("live")}
                </span>
              )}
            </div>
            {canCancel && live && (
              <div className="flex items-center gap-3">
                {run.cancelRequested ? (
                  <span className="text-sm text-amber-700 dark:text-amber-400" data-testid="run-cancel-requested">
                    {t("stopping")}
                  </span>
                ) : (
                  <button
                    type="button"
                    data-testid="run-cancel"
                    disabled={cancelling}
                    className="rounded-md border border-red-300 px-3 py-1.5 text-sm font-medium text-red-700 hover:bg-red-50 disabled:opacity-50 dark:border-red-800 dark:text-red-400 dark:hover:bg-red-950"
                    onClick={asyncHandler(async () => {
                      if (!window.confirm(t("cancelConfirm"))) return;
                      setCancelling(true);
                      const res = await cancelRun({ id: run.id });
                      setCancelling(false);
                      if (res.ok) {
                        setCancelError(null);
                        setRun((r) => ({ ...r, status: res.data.status, cancelRequested: res.data.cancelRequested }));
                      } else setCancelError(res.error);
                    })}
                  >
                    {cancelling ? t("cancelling") : t("cancel")}
                  </button>
                )}
              </div>
            )}
          </div>
          {cancelError && (
            <p role="alert" className="text-sm text-red-700 dark:text-red-400">
              {cancelError}
            </p>
          )}
          <ProgressBar run={run} />
          <dl className="grid grid-cols-2 gap-x-6 gap-y-1 text-sm sm:grid-cols-4">
            <div>
              <dt className="text-slate-500">{t("queued")}</dt>
              <dd>{formatTime(run.createdAt, format)}</dd>
            </div>
            <div>
              <dt className="text-slate-500">{t("started")}</dt>
              <dd>{formatTime(run.startedAt, format)}</dd>
            </div>
            <div>
              <dt className="text-slate-500">{t("finished")}</dt>
              <dd>{formatTime(run.finishedAt, format)}</dd>
            </div>
            <div>
              <dt className="text-slate-500">{t("duration")}</dt>
              <dd suppressHydrationWarning>{formatDuration(runDuration(run), format)}</dd>
            </div>
          </dl>
          <p className="text-xs text-slate-500" data-testid="run-hyperparameters">
            {Object.entries(hp)
              .map(([k, v]) => hyperWords(t, k, v))
              .join(" · ")}
            {!hp.lora && ` · ${t("fullFinetune")}`}
          </p>
          {run.error && (
            <p role="alert" data-testid="run-error" className="rounded-md bg-red-50 px-3 py-2 text-sm text-red-700 dark:bg-red-950 dark:text-red-300">
              {run.error}
            </p>
          )}
          {run.resultModelVersionId && (
            <p className="text-sm" data-testid="run-result">
              {t("registered")}{" "}
              <Link href={`/models/${projectSlug}#v-${run.resultModelVersionId}`} className="text-indigo-600 underline dark:text-indigo-400">
                {t("seeIt")}
              </Link>
            </p>
          )}
          {pollError && <p className="text-xs text-amber-700 dark:text-amber-400">{pollError}</p>}
        </div>
      </Card>

      <Card title={t("metrics")}>
        <RunCharts metrics={metrics} stages={readRunProgress(run.progress).stages ?? []} />
      </Card>

      <Card title={t("log")}>
        {run.logTail ? (
          <pre data-testid="run-log" className="max-h-80 overflow-auto whitespace-pre-wrap rounded bg-slate-950 p-3 font-mono text-xs text-slate-100">
            {run.logTail}
          </pre>
        ) : (
          <p data-testid="run-log" className="text-sm text-slate-500">
            {live ? t("nothingLogged") : t("noLog")}
          </p>
        )}
      </Card>
    </div>
  );
}
