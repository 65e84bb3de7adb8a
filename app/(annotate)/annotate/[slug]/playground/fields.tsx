// Form parts shared by the chat and the Arena: a model picker and the sampling fields, each with its error beside it.
"use client";
import { useTranslations } from "next-intl";
import { Field, inputClass } from "@/app/_components/form";
import type { FieldErrors } from "@/lib/errors";
import type { ContenderOption } from "@/lib/playground/contenders";

export function ModelSelect({ name, label, contenders, error, optional }: { name: string; label: string; contenders: ContenderOption[]; error?: string[]; optional?: string }) {
  const t = useTranslations("playground");
  return (
    <Field label={label} name={name} error={error}>
      <select name={name} data-testid={`field-${name}`} defaultValue="" aria-invalid={error ? true : undefined} className={inputClass}>
        {optional ? <option value="">{optional}</option> : <option value="" disabled>{t("pickModel")}</option>}
        {contenders.map((c) => (
          <option key={c.ref} value={c.ref}>
            {c.label}
          </option>
        ))}
      </select>
    </Field>
  );
}

export function SamplingFields({ defaults, fieldErrors, note }: { defaults: { temperature: number; maxTokens: number }; fieldErrors: FieldErrors; note: string }) {
  const t = useTranslations("playground");
  return (
    <fieldset className="grid grid-cols-2 gap-3">
      <legend className="col-span-2 mb-1 text-xs text-slate-500 dark:text-slate-400">{note}</legend>
      <Field label={t("temperature")} name="temperature" inputMode="decimal" placeholder={String(defaults.temperature)} error={fieldErrors.temperature} />
      <Field label={t("maxTokens")} name="maxTokens"
 inputMode="numeric" placeholder={String(defaults.maxTokens)} error={fieldErrors.maxTokens} />
    </fieldset>
  );
}

/** Errors about the conversation's turns (`messages.3.content`, `messages`) shown by the message box. */
export function messageErrors(fieldErrors: FieldErrors, own = "message"): string[] | undefined {
  const list = Object.entries(fieldErrors)
    .filter(([k]) => k === own || k === "messages" || k.startsWith("messages."))
    .flatMap(([, v]) => v);
  return list.length ? list : undefined;
}

/** A form's text field, or undefined when empty; numbers stay text so the server names a bad one. */
export function formText(form: FormData, name: string): string | undefined {
  const v = form.get(name);
  return typeof v === "string" && v !== "" ? v : undefined;
}
