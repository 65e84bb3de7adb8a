// "Languages I rank in" (#19): codes separated by commas; blank = every language. A bad code shows beside the field.
"use client";
import { useState } from "react";
import { useLocale, useTranslations } from "next-intl";
import { Field, FormError, SubmitButton, formText, useActionForm } from "@/app/_components/form";
import { setMyLanguages } from "../../actions";

/** A language's name in the page's language ("es" → "Spanish", "español", "الإسبانية"); the code when the runtime has none. */
function nameIn(locale: string, code: string): string {
  try {
    return new Intl.DisplayNames([locale], { type: "language" }).of(code) ?? code;
  } catch {
    return code;
  }
}

export function LanguagesForm({ initial }: { initial: Array<{ code: string; name: string }> }) {
  const t = useTranslations("me");
  const locale = useLocale();
  const [saved, setSaved] = useState(initial);
  const { pending, error, fieldErrors, onSubmit } = useActionForm(
    (form) => setMyLanguages({ languages: formText(form, "languages") }),
    (done) => setSaved(done.languages),
  );
  // A bad code is reported at languages.<i>: shown beside the one field.
  const languageErrors = Object.entries(fieldErrors).flatMap(([k, v]) => (k === "languages" || k.startsWith("languages.") ? (v ?? []) : []));
  return (
    <form className="space-y-3" data-testid="languages-form" onSubmit={onSubmit}>
      <Field label={t("languagesLabel")} name="languages" defaultValue={initial.map((l) => l.code).join(", ")} error={languageErrors.length ? languageErrors : undefined} />
      <p className="text-sm text-slate-500 dark:text-slate-400" data-testid="languages-saved">
        {saved.length ? t("languagesSome", { list: saved.map((l) => `${nameIn(locale, l.code)} (${l.code})`).join(", ") }) : t("languagesAll")}
      </p>
      <SubmitButton pending={pending} testId="languages-submit">
        {t("languagesSave")}
      </SubmitButton>
      <FormError message={error} />
    </form>
  );
}
