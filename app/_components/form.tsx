// Form building blocks: a labelled field with its error beside it, a submit button, a form-level error.
"use client";
import { useTranslations } from "next-intl";
import { useState, type FormEvent, type InputHTMLAttributes, type ReactNode } from "react";
import type { FieldErrors } from "@/lib/errors";

type Outcome<T> = { ok: true; data: T } | { ok: false; error: string; fieldErrors?: FieldErrors };

/**
 * A form's submit handler around a server action: pending while it runs; then the errors cleared and `onOk` with
 * what the action returned, or the form-level error and the errors by field that it sent back.
 */
export function useActionForm<T>(send: (form: FormData) => Promise<Outcome<T>>, onOk: (data: T) => void) {
  const t = useTranslations("form");
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [fieldErrors, setFieldErrors] = useState<FieldErrors>({});
  const settle = (res: Outcome<T>) => {
    setPending(false);
    setError(res.ok ? null : res.error);
    setFieldErrors(res.ok ? {} : (res.fieldErrors ?? {}));
    if (res.ok) onOk(res.data);
  };
  const onSubmit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    setPending(true);
    // An action that cannot be reached (network, server down) rejects: the form says so instead of staying pending.
    void send(new FormData(e.currentTarget)).then(settle, () => settle({ ok: false, error: t("unreachable") }));
  };
  return { pending, error, fieldErrors, onSubmit };
}

/**
 * An event handler from an async function. React drops whatever a handler returns, so a rejection would go unseen:
 * it is logged here instead.
 */
export function asyncHandler<A extends unknown[]>(fn: (...args: A) => Promise<unknown>): (...args: A) => void {
  return (...args) => {
    fn(...args).catch((e: unknown) => console.error(e));
  };
}

/** A form field's text, or `fallback` when the field is absent (a file input's File is not text). */
export function formText(form: FormData, name: string, fallback = ""): string {
  const v = form.get(name);
  return typeof v === "string" ? v : fallback;
}

export const inputClass =
  "w-full rounded-md border border-slate-300 bg-white px-3 py-2 text-sm shadow-sm focus:border-indigo-500 dark:border-slate-700 dark:bg-slate-900";

export function Field({ label, name, error, children, ...input }: { label: string; name: string; error?: string[]; children?: ReactNode } & InputHTMLAttributes<HTMLInputElement>) {
  const errorId = `${name}-error`;
  return (
    <label className="block space-y-1">
      <span className="text-sm font-medium">{label}</span>
      {children ?? (
        <input name={name} data-testid={`field-${name}`} aria-invalid={error ? true : undefined} aria-describedby={error ? errorId : undefined} className={inputClass} {...input} />
      )}
      {error && (
        <span id={errorId} role="alert" data-testid={`error-${name}`} className="block text-sm text-red-600 dark:text-red-400">
          {error.join(" ")}
        </span>
      )}
    </label>
  );
}

export function FormError({ message }: { message?: string | null }) {
  if (!message) return null;
  return (
    <p role="alert" data-testid="form-error" className="rounded-md bg-red-50 px-3 py-2 text-sm text-red-700 dark:bg-red-950 dark:text-red-300">
      {message}
    </p>
  );
}

export function SubmitButton({ pending, children, testId }: { pending?: boolean; children: ReactNode; testId?: string }) {
  const t = useTranslations("form");
  return (
    <button type="submit" disabled={pending} data-testid={testId ?? "submit"} className="rounded-md bg-indigo-600 px-4 py-2 text-sm font-medium text-white hover:bg-indigo-500 disabled:opacity-50">
      {pending ? t("working") : children}

    </button>
  );
}

export function Card({ title, children }: { title?: string; children: ReactNode }) {
  return (
    <section className="rounded-lg border border-slate-200 bg-white p-5 shadow-sm dark:border-slate-800 dark:bg-slate-900">
      {title && <h2 className="mb-3 text-lg font-semibold">{title}</h2>}
      {children}
    </section>
  );
}
