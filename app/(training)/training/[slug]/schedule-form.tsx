// The retrain schedule: cron, minimum new pairs, enabled; the next fire time and why the last check did or did not fire.
"use client";
import { useState } from "react";
import { useRouter } from "next/navigation";
import { Field, FormError, SubmitButton, formText, useActionForm } from "@/app/_components/form";
import { formatTime } from "../format";
import { saveSchedule } from "../actions";
import { FinetuneFields, finetuneFromForm, type FinetuneDefaults } from "./finetune-fields";

export type ScheduleStatus = {
  schedule: { cron: string; minNewPairs: number; enabled: boolean; finetune?: FinetuneDefaults | null } | null;
  nextFireAt: string | null;
  lastCheckAt: string | null;
  lastDecision: { at: string; fired: boolean; reason: string; runId: string | null } | null;
  newPairsSinceLastRun: number;
  lastRunAt: string | null;
};

export function ScheduleSummary({ status }: { status: ScheduleStatus }) {
  const s = status.schedule;
  return (
    <dl className="grid gap-x-6 gap-y-2 text-sm sm:grid-cols-2" data-testid="schedule-status">
      <div>
        <dt className="text-slate-500">Schedule</dt>
        <dd data-testid="schedule-summary">
          {s ? (
            <>
              <code>{s.cron}</code> when at least {s.minNewPairs} new pairs · {s.enabled ? "enabled" : "disabled"}
            </>
          ) : (
            "Not set"
          )}
        </dd>
      </div>
      <div>
        <dt className="text-slate-500">Next cron time (cron runs in the server time zone; shown in UTC)</dt>
        <dd data-testid="schedule-next">{s?.enabled && status.nextFireAt ? formatTime(status.nextFireAt) : "—"}</dd>
      </div>
      <div>
        <dt className="text-slate-500">New pairs since the last run</dt>
        <dd data-testid="schedule-new-pairs">
          {status.newPairsSinceLastRun}
          {status.lastRunAt ? ` (since ${formatTime(status.lastRunAt)})` : " (no run yet)"}
        </dd>
      </div>
      <div>
        <dt className="text-slate-500">Last checked</dt>
        <dd>{formatTime(status.lastCheckAt)}</dd>
      </div>
      <div className="sm:col-span-2">
        <dt className="text-slate-500">At the last cron time</dt>
        <dd data-testid="schedule-last-decision">
          {status.lastDecision ? (
            <>
              <span className={status.lastDecision.fired ? "font-medium text-green-700 dark:text-green-400" : "font-medium text-slate-700 dark:text-slate-300"}>
                {status.lastDecision.fired ? "Fired" : "Did not fire"}
              </span>{" "}
              ({formatTime(status.lastDecision.at)}): {status.lastDecision.reason}
              {status.lastDecision.runId && (
                <>
                  {" "}
                  <a className="text-indigo-600 underline dark:text-indigo-400" href={`/training/runs/${status.lastDecision.runId}`}>
                    Open the run
                  </a>
                </>
              )}
            </>
          ) : (
            "No cron time has come due yet."
          )}
        </dd>
      </div>
    </dl>
  );
}

export function ScheduleForm({ projectSlug, initial, loraAllowed }: { projectSlug: string; initial: ScheduleStatus["schedule"]; loraAllowed: boolean }) {
  const router = useRouter();
  const [saved, setSaved] = useState(false);
  const { pending, error, fieldErrors, onSubmit } = useActionForm(
    (form) => {
      setSaved(false);
      return saveSchedule({ projectSlug, cron: formText(form, "cron"), minNewPairs: formText(form, "minNewPairs"), enabled: form.get("enabled") === "on", hyperparameters: finetuneFromForm(form) });
    },
    () => {
      setSaved(true);
      router.refresh();
    },
  );
  return (
    <form className="space-y-4" data-testid="schedule-form" onSubmit={onSubmit}>
      <div className="grid gap-4 sm:grid-cols-3">
        <Field label="Cron (minute hour day month weekday)" name="cron" defaultValue={initial?.cron ?? "0 3 * * *"} error={fieldErrors.cron} required />
        <Field label="Minimum new pairs" name="minNewPairs" type="number" min={0} step="1" defaultValue={String(initial?.minNewPairs ?? 100)} error={fieldErrors.minNewPairs} required />
        <label className="flex items-center gap-2 self-end pb-2 text-sm font-medium">
          <input type="checkbox" name="enabled" data-testid="field-enabled" defaultChecked={initial?.enabled ?? true} className="h-4 w-4" />
          Enabled
        </label>
      </div>
      <FinetuneFields loraAllowed={loraAllowed} fieldErrors={fieldErrors} defaults={initial?.finetune ?? {}} />
      <FormError message={error} />
      {saved && (
        <p role="status" data-testid="schedule-saved" className="text-sm text-green-700 dark:text-green-400">
          Saved.
        </p>
      )}
      <SubmitButton pending={pending} testId="schedule-save">
        Save schedule
      </SubmitButton>
    </form>
  );
}
