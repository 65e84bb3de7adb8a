// "Collect outputs": chosen sources answer the prompts short of K; each run's progress and per-source report, refreshed while it runs.
"use client";
import { useEffect } from "react";
import { useRouter } from "next/navigation";
import { Field, FormError, SubmitButton, formText, useActionForm } from "@/app/_components/form";
import type { CollectRunView } from "@/lib/sources/collect";
import { collectAction } from "./actions";

/** How often the page re-reads runs while one is queued or running. */
const REFRESH_MS = 1500;

function RunRow({ run }: { run: CollectRunView }) {
  const p = run.progress;
  const pct = p.prompts ? Math.round((100 * p.done) / p.prompts) : run.status === "succeeded" ? 100 : 0;
  return (
    <li data-testid="collect-run" data-status={run.status} className="space-y-1 border-t border-slate-200 pt-2 text-sm dark:border-slate-800">
      <div className="flex justify-between">
        <span data-testid="collect-run-status">
          {run.status}: {p.outputs} outputs for {p.done}/{p.prompts} prompts
        </span>
        <span className="text-xs text-slate-500">{new Date(run.createdAt).toLocaleString("en-US")}</span>
      </div>
      <div className="h-2 w-full rounded bg-slate-200 dark:bg-slate-800" role="progressbar" aria-valuenow={pct} aria-valuemin={0} aria-valuemax={100}>
        <div className="h-2 rounded bg-indigo-600" style={{ width: `${pct}%` }} />
      </div>
      <ul className="text-xs">
        {run.sources.map((s) => (
          <li key={s.name} data-testid={`collect-source-${s.name}`} className={s.status === "failing" ? "text-red-700 dark:text-red-400" : ""}>
            {s.name}: {s.outputs} outputs, {s.failures} failed prompts{s.status === "failing" ? ` — failing: ${s.lastError}` : s.lastError ? ` (last error: ${s.lastError})` : ""}
          </li>
        ))}
      </ul>
    </li>
  );
}

export function CollectPanel({ projectSlug, sourceNames, runs }: { projectSlug: string; sourceNames: string[]; runs: CollectRunView[] }) {
  const router = useRouter();
  const active = runs.some((r) => r.status === "queued" || r.status === "running");
  useEffect(() => {
    if (!active) return;
    const t = setInterval(() => router.refresh(), REFRESH_MS);
    return () => clearInterval(t);
  }, [active, router]);
  const { pending, error, fieldErrors, onSubmit } = useActionForm(
    (form) => collectAction({ projectSlug, sources: form.getAll("sources").filter((v) => typeof v === "string"), prompts: formText(form, "prompts") }),
    () => router.refresh(),
  );
  if (!sourceNames.length) return <p className="text-sm">Add a source first.</p>;
  return (
    <div className="space-y-4" data-testid="collect-panel">
      <form className="space-y-3" data-testid="collect-form" onSubmit={onSubmit}>
        <fieldset className="space-y-1">
          <legend className="text-sm font-medium">Sources to ask</legend>
          {sourceNames.map((n) => (
            <label key={n} className="mr-4 inline-flex items-center gap-1 text-sm">
              <input type="checkbox" name="sources" value={n} defaultChecked data-testid={`collect-pick-${n}`} /> {n}
            </label>
          ))}
          {fieldErrors.sources && (
            <span role="alert" data-testid="error-sources" className="block text-sm text-red-600 dark:text-red-400">
              {fieldErrors.sources.join(" ")}
            </span>
          )}
        </fieldset>
        <Field label="Prompts (at most; those short of K outputs, oldest first)" name="prompts" type="number" step="1" placeholder="100" error={fieldErrors.prompts} />
        <FormError message={error} />
        <SubmitButton pending={pending} testId="collect-outputs">
          Collect outputs
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
