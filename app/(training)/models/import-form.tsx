// "Import a model": an admin names a Hugging Face folder on the server (and optionally a name); errors by the field.
"use client";
import { useRouter } from "next/navigation";
import { useTranslations } from "next-intl";
import { Field, FormError, SubmitButton, formText, useActionForm } from "@/app/_components/form";
import { importModel } from "./actions";

export function ImportModelForm() {
  const router = useRouter();
  const t = useTranslations("models.import");
  const { pending, error, fieldErrors, onSubmit } = useActionForm(
    (form) => importModel({ path: formText(form, "path"), name: formText(form, "name") }),
    () => router.refresh(),
  );
  return (
    <form className="space-y-3" data-testid="import-model-form" onSubmit={(e) => void onSubmit(e)}>
      <div className="grid gap-4 sm:grid-cols-3">
        <div className="sm:col-span-2">
          <Field label={t("path")} name="path" placeholder="/srv/models/SmolLM2-135M-Instruct" error={fieldErrors.path} required />
        </div>
        <Field label={t("name")} name="name" placeholder="SmolLM2-135M-Instruct" error={fieldErrors.name} />
      </div>
      <p className="text-xs text-slate-500">
        {t("help")}
      </p>
      <FormError message={error} />
      <SubmitButton pending={pending} testId="import-model-submit">
        {t("submit")}
      </SubmitButton>
    </form>
  );
}
