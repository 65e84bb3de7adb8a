// The retrain schedule: cron, minimum new pairs, enabled; the next fire time and why the last check did or did not fire.
"use client";
import { useState } from "react";
import { useFormatter, useTranslations } from "next-intl";
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
  const t = useTranslations("training.scheduleForm");
  const format = useFormatter();
  return (
    <dl className="grid gap-x-6 gap-y-2 text-sm sm:grid-cols-2" data-testid="schedule-status">
      <div>
        <dt className="text-slate-500">{t("schedule")}</dt>
        <dd data-testid="schedule-summary">
          {s ? (
            t.rich("summary", { cron: s.cron, pairs: s.minNewPairs, enabled: s.enabled ? "yes" : "no", code: (chunks) => <code>{chunks}</code> })
          ) : (
            t("notSet")
          )}
        </dd>
      </div>
      <div>
        <dt className="text-slate-500">{t("next")}</dt>
        <dd data-testid="schedule-next">{s?.enabled && status.nextFireAt ? formatTime(status.nextFireAt, format) : "—"}</dd>
      </div>
      <div>
        <dt className="text-slate-500">{t("newPairs")}</dt>
        <dd data-testid="schedule-new-pairs">
          {format.number(status.newPairsSinceLastRun)} {status.lastRunAt ? t("since", { when: formatTime(status.lastRunAt, format) }) : t("noRun")}
        </dd>
      </div>
      <div>
        <dt className="text-slate-500">{t("lastChecked")}</dt>
        <dd>{formatTime(status.lastCheckAt, format)}</dd>
      </div>
      <div className="sm:col-span-2">
        <dt className="text-slate-500">{t("lastDecision")}</dt>
        <dd data-testid="schedule-last-decision">
          {status.lastDecision ? (
            <>
              <span className={status.lastDecision.fired ? "font-medium text-green-700 dark:text-green-400" : "font-medium text-slate-700 dark:text-slate-300"}>
                {status.lastDecision.fired ? t("fired") : t("notFired")}
              </span>{" "}
              ({formatTime(status.lastDecision.at, format)}): {status.lastDecision.reason}
              {status.lastDecision.runId && (
                <>
                  {" "}
                  <a className="text-indigo-600 underline dark:text-indigo-400" href={`/training/runs/${status.lastDecision.runId}`}>
                    {t("openRun")}
                  </a>
                </>
              )}
            </>
          ) : (
            t("noneDue")
          )}
        </dd>
      </div>
    </dl>
  );
}

export function ScheduleForm({ projectSlug, initial, loraAllowed }: { projectSlug: string; initial: ScheduleStatus["schedule"]; loraAllowed: boolean }) {
  const router = useRouter();
  const t = useTranslations("training.scheduleForm");
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
        <Field label={t("cron")} name="cron" defaultValue={initial?.cron ?? "0 3 * * *"} error={fieldErrors.cron} required />
        <Field label={t("minNewPairs")} name="minNewPairs" type="number" min={0} step="1" defaultValue={String(initial?.minNewPairs ?? 100)} error={fieldErrors.minNewPairs} required />
        <label className="flex items-center gap-2 self-end pb-2 text-sm font-medium">
          <input type="checkbox" name="enabled" data-testid="field-enabled" defaultChecked={initial?.enabled ?? true} className="h-4 w-4" />
          {t("enabled")}
        </label>
      </div>
      <FinetuneFields loraAllowed={loraAllowed} fieldErrors={fieldErrors} defaults={initial?.finetune ?? {}} />
      <FormError message={error} />
      {saved && (
        <p role="status" data-testid="schedule-saved" className="text-sm text-green-700 dark:text-green-400">
          {t("saved")}
        </p>
      )}
      <SubmitButton pending={pending} testId="schedule-save">
        {t("submit")}
      </SubmitButton>
    </form>
  );
}
