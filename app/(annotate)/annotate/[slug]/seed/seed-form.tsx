// The write-from-seed form: instruction, optional input, category and a demonstration; the novelty error shows beside the instruction.
"use client";
import { useRouter } from "next/navigation";
import { useTranslations } from "next-intl";
import { Field, FormError, SubmitButton, formText, inputClass, useActionForm } from "@/app/_components/form";
import { submitFromSeed } from "../../actions";

export function SeedForm({ projectSlug, categories, seedIds }: { projectSlug: string; categories: string[]; seedIds: string[] }) {
  const router = useRouter();
  const t = useTranslations("seed");
  const { pending, error, fieldErrors, onSubmit } = useActionForm(
    (form) =>
      submitFromSeed({
        projectSlug,
        seedIds,
        instruction: formText(form, "instruction"),
        input: formText(form, "input"),
        category: formText(form, "category"),
        demonstration: formText(form, "demonstration"),
      }),
    (done) => router.push(`/annotate/${projectSlug}/seed?submitted=${done.id}`),
  );
  return (
    <form className="space-y-4" data-testid="seed-form" onSubmit={onSubmit}>
      <Field label={t("instruction")} name="instruction" error={fieldErrors.instruction}>
        <textarea name="instruction" data-testid="field-instruction" rows={4} required aria-invalid={fieldErrors.instruction ? true : undefined} className={inputClass} />
      </Field>
      <Field label={t("input")} name="input" error={fieldErrors.input}>
        <textarea name="input" data-testid="field-input" rows={3} className={inputClass} />
      </Field>
      <Field label={t("category")} name="category" error={fieldErrors.category}>
        <select name="category" data-testid="field-category" defaultValue="" className={inputClass}>
          <option value="" disabled>
            {t("pickCategory")}
          </option>
          {categories.map((c) => (
            <option key={c} value={c}>
              {c}
            </option>
          ))}
        </select>
      </Field>
      <Field label={t("demonstration")} name="demonstration" error={fieldErrors.demonstration}>
        <textarea name="demonstration" data-testid="field-demonstration" rows={6} className={inputClass} />
      </Field>
      <FormError message={error} />
      <SubmitButton pending={pending} testId="seed-submit">
        {t("submit")}

      </SubmitButton>
    </form>
  );
}
