// The project's base model: a ready imported model the project's first run starts from (none: the tiny preset).
"use client";
import { useState } from "react";
import { useTranslations } from "next-intl";
import { useRouter } from "next/navigation";
import { Field, FormError, SubmitButton, formText, inputClass, useActionForm } from "@/app/_components/form";
import { pickProjectBase } from "../../models/actions";

export function BaseModelForm({ projectSlug, models, current }: { projectSlug: string; models: Array<{ id: string; name: string; family: string | null }>; current: string | null }) {
  const router = useRouter();
  const t = useTranslations("training.baseForm");
  const [saved, setSaved] = useState(false);
  const { pending, error, fieldErrors, onSubmit } = useActionForm(
    (form) => {
      setSaved(false);
      return pickProjectBase({ projectSlug, baseModelId: formText(form, "baseModelId") });
    },
    () => {
      setSaved(true);
      router.refresh();
    },
  );
  return (
    <form className="space-y-3" data-testid="base-model-form" onSubmit={(e) => void onSubmit(e)}>
      <Field label={t("label")} name="baseModelId" error={fieldErrors.baseModelId}>
        <select name="baseModelId" data-testid="field-baseModelId" defaultValue={current ?? ""} className={inputClass}>
          <option value="">{t("none")}</option>
          {models.map((m) => (
            <option key={m.id} value={m.id}>
              {m.name}
              {m.family ? ` (${m.family})` : ""}
            </option>
          ))}
        </select>
      </Field>
      <FormError message={error} />
      {saved && (
        <p role="status" data-testid="base-model-saved" className="text-sm text-green-700 dark:text-green-400">
          {t("saved")}
        </p>
      )}
      <SubmitButton pending={pending} testId="base-model-save">
        {t("submit")}
      </SubmitButton>
    </form>
  );
}
