// "Languages I rank in" (#19): codes separated by commas; blank = every language. A bad code shows beside the field.
"use client";
import { useState } from "react";
import { Field, FormError, SubmitButton, formText, useActionForm } from "@/app/_components/form";
import { setMyLanguages } from "../../actions";

export function LanguagesForm({ initial }: { initial: Array<{ code: string; name: string }> }) {
  const [saved, setSaved] = useState(initial);
  const { pending, error, fieldErrors, onSubmit } = useActionForm(
    (form) => setMyLanguages({ languages: formText(form, "languages") }),
    (done) => setSaved(done.languages),
  );
  // A bad code is reported at languages.<i>: shown beside the one field.
  const languageErrors = Object.entries(fieldErrors).flatMap(([k, v]) => (k === "languages" || k.startsWith("languages.") ? (v ?? []) : []));
  return (
    <form className="space-y-3" data-testid="languages-form" onSubmit={onSubmit}>
      <Field
        label="Languages I rank in (ISO 639-1 codes, e.g. en, es, ar; blank: all)"
        name="languages"
        defaultValue={initial.map((l) => l.code).join(", ")}
        error={languageErrors.length ? languageErrors : undefined}
      />
      <p className="text-sm text-slate-500 dark:text-slate-400" data-testid="languages-saved">
        {saved.length ? `You get prompts in ${saved.map((l) => `${l.name} (${l.code})`).join(", ")}, and prompts whose language is undetermined.` : "You get prompts in every language."}
      </p>
      <SubmitButton pending={pending} testId="languages-submit">
        Save languages
      </SubmitButton>
      <FormError message={error} />
    </form>
  );
}
