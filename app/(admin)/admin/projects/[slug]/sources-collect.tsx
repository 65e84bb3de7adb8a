// "Collect outputs": chosen sources answer the prompts short of K; each run's progress and per-source report, refreshed while it runs.
"use client";
import { useEffect } from "react";
import { useRouter } from "next/navigation";
import { useFormatter, useTranslations } from "next-intl";
import { Field, FormError, SubmitButton, formText, useActionForm } from "@/app/_components/form";
import type { CollectRunView } from "@/lib/sources/collect";
import { collectAction } from "./actions";

/** How often the page re-reads runs while one is queued or running. */
const REFRESH_MS = 1500;

function RunRow({ run }: { run: CollectRunView }) {
  const t = useTranslations("admin.collect");
  // a collect run has a training run's statuses (runStatusEnum), so their words are training.status's
  const statusWord = useTranslations("training.status");
  const format = useFormatter();
  const p = run.progress;
  const pct = p.prompts ? Math.round((100 * p.done) / p.prompts) : run.status === "succeeded" ? 100 : 0;
  return (
    <li data-testid="collect-run" data-status={run.status} className="space-y-1 border-t border-slate-200 pt-2 text-sm dark:border-slate-800">
      <div className="flex justify-between">
        <span data-testid="collect-run-status">
          {t("run", { status: statusWord(run.status), outputs: p.outputs, done: p.done, prompts: p.prompts })}
        </span>
        <span className="text-xs text-slate-500">{format.dateTime(new Date(run.createdAt), { dateStyle: "medium", timeStyle: "medium" })}</span>
      </div>
      <div className="h-2 w-full rounded bg-slate-200 dark:bg-slate-800" role="progressbar" aria-valuenow={pct} aria-valuemin={0} aria-valuemax={100}>
        <div className="h-2 rounded bg-indigo-600" style={{ width: `${pct}%` }} />
      </div>
      <ul className="text-xs">
        {run.sources.map((s) => (
          <li key={s.name} data-testid={`collect-source-${s.name}`} className={s.status === "failing" ? "text-red-700 dark:text-red-400" : ""}>
            {t("source", { name: s.name, outputs: s.outputs, failures: s.failures })}
            {s.status === "failing" ? ` — ${t("failing", { error: s.lastError ?? "" })}` : s.lastError ? ` ${t("lastError", { error: s.lastError })}` : ""}
          </li>
        ))}
      </ul>
    </li>
  );
}

export function CollectPanel({ projectSlug, sourceNames, runs }: { projectSlug: string; sourceNames: string[]; runs: CollectRunView[] }) {
  const router = useRouter();
  const t = useTranslations("admin.collect");
  const active = runs.some((r) => r.status === "queued" || r.status === "running");
  useEffect(() => {
    if (!active) return;
    const timer = setInterval(() => router.refresh(), REFRESH_MS);
    return () => clearInterval(timer);
  }, [active, router]);
  const { pending, error, fieldErrors, onSubmit } = useActionForm(
    (form) => collectAction({ projectSlug, sources: form.getAll("sources").filter((v) => typeof v === "string"), prompts: formText(form, "prompts") }),
    () => router.refresh(),
  );
  if (!sourceNames.length) return <p className="text-sm">{t("addFirst")}</p>;
  return (
    <div className="space-y-4" data-testid="collect-panel">
      <form className="space-y-3" data-testid="collect-form" onSubmit={onSubmit}>
        <fieldset className="space-y-1">
          <legend className="text-sm font-medium">{t("sourcesToAsk")}</legend>
          {sourceNames.map((n) => (
            <label key={n} className="me-4 inline-flex items-center gap-1 text-sm">
              <input type="checkbox" name="sources" value={n} defaultChecked data-testid={`collect-pick-${n}`} /> {n}
            </label>
          ))}
          {fieldErrors.sources && (
            <span role="alert" data-testid="error-sources" className="block text-sm text-red-600 dark:text-red-400">
              {fieldErrors.sources.join(" ")}
            </span>
          )}
        </fieldset>
        <Field label={t("prompts")} name="prompts" type="number" step="1" placeholder="100" error={fieldErrors.prompts} />
        <FormError message={error} />
        <SubmitButton pending={pending} testId="collect-outputs">
          {t("submit")}
        </SubmitButton>
      </form>
      {runs.length > 0 && (
        <ul className="space-y-2" data-testid="collect-runs">
          {runs.map((r) => (
            <RunRow key={r.id} run={r} />
          ))}
        </ul>
      )}
    </div>
  );
}
