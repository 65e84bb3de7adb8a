// "Screening": PII at export (redact or exclude), holding screened texts from annotators, the moderation source and how it is asked, and how safety screening is going.
"use client";
import { useRouter } from "next/navigation";
import { useFormatter, useTranslations } from "next-intl";
import { Field, FormError, SubmitButton, formText, inputClass, useActionForm } from "@/app/_components/form";
import { updateProject } from "../actions";

export type ModerationStatusView = {
  source: { id: string; name: string; model: string } | null;
  mode: "moderations" | "llama-guard";
  pending: number;
  safe: number;
  flagged: number;
  failed: number;
  lastError: { error: string; attempts: number; at: string } | null;
};

export function ScreeningPanel({
  projectSlug,
  pii,
  hold,
  status,
  sources,
}: {
  projectSlug: string;
  pii: "redact" | "exclude";
  hold: "hold" | "show";
  status: ModerationStatusView;
  sources: Array<{ id: string; name: string }>;
}) {
  const router = useRouter();
  const t = useTranslations("admin.screening");
  const format = useFormatter();
  const { pending, error, fieldErrors, onSubmit } = useActionForm(
    (form) => updateProject({ slug: projectSlug, pii: formText(form, "pii"), screeningHold: formText(form, "screeningHold"), moderationSourceId: formText(form, "moderationSourceId"), moderationMode: formText(form, "moderationMode") }),
    () => router.refresh(),
  );
  return (
    <div className="space-y-4" data-testid="screening-panel">
      <form className="grid gap-3 sm:grid-cols-2" data-testid="screening-form" onSubmit={onSubmit}>
        <Field label={t("pii")} name="pii" error={fieldErrors.pii}>
          <select name="pii" defaultValue={pii} data-testid="field-pii" className={inputClass}>
            <option value="redact">{t("redact")}</option>
            <option value="exclude">{t("exclude")}</option>
          </select>
        </Field>
        <Field label={t("hold")} name="screeningHold" error={fieldErrors.screeningHold}>
          <select name="screeningHold" defaultValue={hold} data-testid="field-screeningHold" className={inputClass}>
            <option value="hold">{t("holdOption")}</option>
            <option value="show">{t("show")}</option>
          </select>
        </Field>
        <Field label={t("source")} name="moderationSourceId" error={fieldErrors.moderationSourceId}>
          <select name="moderationSourceId" defaultValue={status.source?.id ?? ""} data-testid="field-moderationSourceId" className={inputClass}>
            <option value="">{t("noSource")}</option>
            {sources.map((s) => (
              <option key={s.id} value={s.id}>
                {s.name}
              </option>
            ))}
          </select>
        </Field>
        <Field label={t("mode")} name="moderationMode" error={fieldErrors.moderationMode}>
          <select name="moderationMode" defaultValue={status.mode} data-testid="field-moderationMode" className={inputClass}>
            <option value="moderations">{t("moderations")}</option>
            <option value="llama-guard">{t("llamaGuard")}</option>
          </select>
        </Field>
        <div className="sm:col-span-2">
          <FormError message={error} />
          <SubmitButton pending={pending} testId="screening-save">
            {t("save")}
          </SubmitButton>
        </div>
      </form>
      <p className="text-sm" data-testid="moderation-status">
        {t("status", { pending: status.pending, safe: status.safe, flagged: status.flagged, failed: status.failed })}
      </p>
      {status.lastError && (
        <p role="alert" data-testid="moderation-error" className="rounded-md bg-red-50 px-3 py-2 text-sm text-red-700 dark:bg-red-950 dark:text-red-300">
          {t("failing", { attempts: status.lastError.attempts, at: format.dateTime(new Date(status.lastError.at), { dateStyle: "medium", timeStyle: "medium" }), error: status.lastError.error })}
        </p>
      )}
    </div>
  );
}
