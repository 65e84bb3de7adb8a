// "Screening": PII at export (redact or exclude), holding screened texts from annotators, the moderation source and how it is asked, and how safety screening is going.
"use client";
import { useRouter } from "next/navigation";
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
  const { pending, error, fieldErrors, onSubmit } = useActionForm(
    (form) => updateProject({ slug: projectSlug, pii: formText(form, "pii"), screeningHold: formText(form, "screeningHold"), moderationSourceId: formText(form, "moderationSourceId"), moderationMode: formText(form, "moderationMode") }),
    () => router.refresh(),
  );
  return (
    <div className="space-y-4" data-testid="screening-panel">
      <form className="grid gap-3 sm:grid-cols-2" data-testid="screening-form" onSubmit={onSubmit}>
        <Field label="PII at export" name="pii" error={fieldErrors.pii}>
          <select name="pii" defaultValue={pii} data-testid="field-pii" className={inputClass}>
            <option value="redact">Redact ([EMAIL], [PHONE] …)</option>
            <option value="exclude">Leave the example out</option>
          </select>
        </Field>
        <Field label="Before review" name="screeningHold" error={fieldErrors.screeningHold}>
          <select name="screeningHold" defaultValue={hold} data-testid="field-screeningHold" className={inputClass}>
            <option value="hold">Hold from annotators until a reviewer clears it</option>
            <option value="show">Show to annotators as before</option>
          </select>
        </Field>
        <Field label="Moderation source" name="moderationSourceId" error={fieldErrors.moderationSourceId}>
          <select name="moderationSourceId" defaultValue={status.source?.id ?? ""} data-testid="field-moderationSourceId" className={inputClass}>
            <option value="">None (no safety screening)</option>
            {sources.map((s) => (
              <option key={s.id} value={s.id}>
                {s.name}
              </option>
            ))}
          </select>
        </Field>
        <Field label="Asked as" name="moderationMode" error={fieldErrors.moderationMode}>
          <select name="moderationMode" defaultValue={status.mode} data-testid="field-moderationMode" className={inputClass}>
            <option value="moderations">/moderations endpoint</option>
            <option value="llama-guard">Llama Guard–style chat model</option>
          </select>
        </Field>
        <div className="sm:col-span-2">
          <FormError message={error} />
          <SubmitButton pending={pending} testId="screening-save">
            Save screening settings
          </SubmitButton>
        </div>
      </form>
      <p className="text-sm" data-testid="moderation-status">
        Safety screening: {status.pending} waiting, {status.safe} safe, {status.flagged} flagged, {status.failed} given up on.
      </p>
      {status.lastError && (
        <p role="alert" data-testid="moderation-error" className="rounded-md bg-red-50 px-3 py-2 text-sm text-red-700 dark:bg-red-950 dark:text-red-300">
          The moderation source is failing (retried with backoff; {status.lastError.attempts} tries so far on one text, last at {new Date(status.lastError.at).toLocaleString("en-US")}): {status.lastError.error}
        </p>
      )}
    </div>
  );
}
