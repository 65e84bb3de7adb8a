// An admin's diversity settings beside the report: category targets, seed imports and instruction templates (the project update action).
"use client";
import { useTranslations } from "next-intl";
import { useState } from "react";
import { useRouter } from "next/navigation";
import { Field, FormError, SubmitButton, formText, inputClass, useActionForm } from "@/app/_components/form";
import { updateProject } from "@/app/(admin)/admin/projects/actions";

/** The template syntax in the label, as typed (not translated): the placeholders a template names and an example. */
const templatePlaceholders = { instruction: "{instruction}", input: "{input}", example: String.raw`{"task": "Here is a task: {instruction}\n{input}"}` };

export function DiversitySettings(props: { slug: string; categoryTargets?: Record<string, number>; seedImports?: number[]; instructionTemplates?: Record<string, string> }) {
  const t = useTranslations("diversity.settings");
  const router = useRouter();
  const [saved, setSaved] = useState(false);
  const { pending, error, fieldErrors, onSubmit } = useActionForm(
    (form) => {
      setSaved(false);
      return updateProject({ slug: props.slug, categoryTargets: formText(form, "categoryTargets"), seedImports: formText(form, "seedImports"), instructionTemplates: formText(form, "instructionTemplates") });
    },
    () => {
      setSaved(true);
      router.refresh();
    },
  );
  const targets = Object.entries(props.categoryTargets ?? {})
    .map(([c, n]) => `${c} = ${Math.round(n * 1000) / 10}%`)
    .join("\n");
  return (
    <form className="space-y-4" data-testid="diversity-settings" onSubmit={onSubmit}>
      <Field label={t("targets")} name="categoryTargets" error={fieldErrors.categoryTargets}>
        <textarea name="categoryTargets" data-testid="field-categoryTargets" rows={5} defaultValue={targets} aria-invalid={fieldErrors.categoryTargets ? true : undefined} className={`${inputClass} font-mono`} />
      </Field>
      <Field label={t("seedImports")} name="seedImports" error={fieldErrors.seedImports} defaultValue={(props.seedImports ?? []).join(", ")} />
      <Field label={t("templates", templatePlaceholders)} name="instructionTemplates" error={fieldErrors.instructionTemplates}>
        <textarea
          name="instructionTemplates"
          data-testid="field-instructionTemplates"
          rows={4}
          defaultValue={props.instructionTemplates && Object.keys(props.instructionTemplates).length ? JSON.stringify(props.instructionTemplates, null, 2) : ""}
          aria-invalid={fieldErrors.instructionTemplates ? true : undefined}
          className={`${inputClass} font-mono`}
        />
      </Field>
      <FormError message={error} />
      {saved && (
        <p role="status" data-testid="diversity-saved" className="text-sm text-green-700 dark:text-green-400">
          {t("saved")}
        </p>
      )}
      <SubmitButton pending={pending} testId="diversity-save">
        {t("save")}
      </SubmitButton>
    </form>
  );
}
