// The prompt writer: autosaving draft, near-duplicate hints, length counters, submission to review.
"use client";
import { useFormatter, useTranslations } from "next-intl";
import { useCallback, useEffect, useRef, useState } from "react";
import { useRouter } from "next/navigation";
import { Field, FormError, SubmitButton, inputClass, asyncHandler } from "@/app/_components/form";
import type { FieldErrors } from "@/lib/errors";
import { promptLimits } from "@/lib/validation/prompts";
import { findSimilarPrompts, savePromptDraft, submitPrompt } from "../../actions";

type Draft = { id?: string; instruction: string; input: string; category: string; demonstration: string };
type Similar = { id: string; instruction: string; similarity: number };

// Autosave waits this long after the last keystroke (ms); the duplicate check a little less.
const SAVE_DELAY_MS = 1500;
const SIMILAR_DELAY_MS = 800;

const empty: Draft = { instruction: "", input: "", category: "", demonstration: "" };

export function WriteForm({ projectSlug, categories, draft }: { projectSlug: string; categories: string[]; draft?: Draft }) {
  const router = useRouter();
  const t = useTranslations("write");
  const format = useFormatter();
  const [values, setValues] = useState<Draft>(draft ?? empty);
  const [savedAt, setSavedAt] = useState<string | null>(null);
  const [saveError, setSaveError] = useState<string | null>(null);
  const [similar, setSimilar] = useState<Similar[]>([]);
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [fieldErrors, setFieldErrors] = useState<FieldErrors>({});
  const idRef = useRef<string | undefined>(draft?.id);
  const dirtyRef = useRef(false);
  const saveTimer = useRef<ReturnType<typeof setTimeout>>(undefined);
  // Saves and the submit run one after another, so a submit never races a first save into two prompts.
  const chain = useRef<Promise<unknown>>(Promise.resolve());

  const enqueue = useCallback(<T,>(fn: () => Promise<T>): Promise<T> => {
    const run = chain.current.then(fn, fn);
    chain.current = run.catch(() => undefined);
    return run;
  }, []);

  const save = useCallback(
    (v: Draft) =>
      enqueue(async () => {
        // A timer that fired after a submit must not resurrect the submitted text as a new draft.
        if (!dirtyRef.current) return;
        const res = await savePromptDraft({ projectSlug, id: idRef.current, instruction: v.instruction, input: v.input, category: v.category, demonstration: v.demonstration });
        if (res.ok) {
          // The first save creates the draft: show it in "My prompts".
          if (!idRef.current) router.refresh();
          idRef.current = res.data.id;
          setSavedAt(format.dateTime(new Date(res.data.savedAt), { hour: "2-digit", minute: "2-digit", second: "2-digit", hourCycle: "h23" }));
          setSaveError(null);
        } else setSaveError(res.error);
      }),
    [enqueue, projectSlug, router, format],
  );

  // Autosave: debounced after typing; only once something was typed.
  useEffect(() => {
    if (!dirtyRef.current) return;
    const v = values;
    if (!v.instruction.trim() && !v.input.trim() && !v.demonstration.trim()) return;
    saveTimer.current = setTimeout(() => void save(v), SAVE_DELAY_MS);
    return () => clearTimeout(saveTimer.current);
  }, [values, save]);

  // Near-duplicates of what is being written (the draft itself left out).
  const { instruction, input } = values;
  useEffect(() => {
    if (instruction.trim().split(/\s+/).length < 3) {
      setSimilar([]);
      return;
    }
    let live = true;
    const t = setTimeout(asyncHandler(async () => {
      const res = await findSimilarPrompts({ projectSlug, instruction, input });
      if (live && res.ok) setSimilar(res.data.filter((s) => s.id !== idRef.current));
    }), SIMILAR_DELAY_MS);
    return () => {
      live = false;
      clearTimeout(t);
    };
  }, [instruction, input, projectSlug]);

  const set = (key: keyof Draft) => (e: React.ChangeEvent<HTMLInputElement | HTMLTextAreaElement | HTMLSelectElement>) => {
    dirtyRef.current = true;
    setValues((v) => ({ ...v, [key]: e.target.value }));
  };

  async function onSubmit(e: React.FormEvent) {
    e.preventDefault();
    if (pending) return;
    setPending(true);
    clearTimeout(saveTimer.current);
    const v = values;
    const res = await enqueue(() => submitPrompt({ projectSlug, id: idRef.current, ...v }));
    setPending(false);
    if (res.ok) {
      dirtyRef.current = false;
      idRef.current = undefined;
      setValues(empty);
      setSimilar([]);
      setSavedAt(null);
      setError(null);
      setFieldErrors({});
      // Leaves a reopened draft's URL (that prompt is no longer a draft); the page confirms the submission.
      router.replace(`/annotate/${projectSlug}/write?submitted=${res.data.id}`);
    } else {
      setError(res.error);
      setFieldErrors(res.fieldErrors ?? {});
    }
  }

  // Too long is said beside the field as it happens, in words, not when a save or submit is refused.
  const errorOf = (name: keyof typeof promptLimits): string[] | undefined =>
    values[name].length > promptLimits[name] ? [t("tooLong", { field: t(`fields.${name}`), max: promptLimits[name] })] : fieldErrors[name];
  const counter = (name: keyof typeof promptLimits) => {
    const n = values[name].length;
    const max = promptLimits[name];
    return (
      <span data-testid={`count-${name}`} className={`block text-end text-xs tabular-nums ${n > max ? "font-medium text-red-600 dark:text-red-400" : "text-slate-500 dark:text-slate-400"}`}>
        {format.number(n)} / {format.number(max)}
      </span>
    );
  };

  const textarea = (name: keyof typeof promptLimits, rows: number, placeholder: string) => (
    <>
    <textarea
      name={name}
      rows={rows}
      value={values[name]}
      onChange={set(name)}
      placeholder={placeholder}
      data-testid={`field-${name}`}
      aria-invalid={errorOf(name) ? true : undefined}
      aria-describedby={errorOf(name) ? `${name}-error` : undefined}
      className={inputClass}
    />
    {counter(name)}
    </>
  );

  return (
    <form onSubmit={asyncHandler(onSubmit)} className="space-y-4" data-testid="write-form">
      <Field label={t("fields.instruction")} name="instruction" error={errorOf("instruction")}>
        {textarea("instruction", 3, t("placeholders.instruction"))}
      </Field>
      {similar.length > 0 && (
        <div role="status" data-testid="similar-prompts" className="rounded-md border border-amber-300 bg-amber-50 p-3 text-sm dark:border-amber-800 dark:bg-amber-950/40">
          <p className="font-medium">{t("similar")}</p>
          <ul className="mt-1 space-y-1">
            {similar.map((s) => (
              <li key={s.id} data-testid="similar-prompt" className="flex justify-between gap-3">
                <span className="line-clamp-1">{s.instruction}</span>
                <span className="shrink-0 tabular-nums text-amber-800 dark:text-amber-300">{t("similarity", { value: s.similarity })}</span>
              </li>
            ))}
          </ul>
        </div>
      )}
      <Field label={t("labels.input")} name="input" error={errorOf("input")}>
        {textarea("input", 3, t("placeholders.input"))}
      </Field>
      <Field label={t("labels.category")} name="category" error={fieldErrors.category}>
        <select
          name="category"
          value={values.category}
          onChange={set("category")}
          data-testid="field-category"
          aria-invalid={fieldErrors.category ? true : undefined}
          aria-describedby={fieldErrors.category ? "category-error" : undefined}
          className={inputClass}
        >
          <option value="">{t("pickCategory")}</option>
          {categories.map((c) => (
            <option key={c} value={c}>
              {c}
            </option>
          ))}
        </select>
      </Field>
      <Field label={t("labels.demonstration")} name="demonstration" error={errorOf("demonstration")}>
        {textarea("demonstration", 8, t("placeholders.demonstration"))}
      </Field>
      <FormError message={error} />
      <div className="flex flex-wrap items-center gap-4">
        <SubmitButton pending={pending} testId="submit-prompt">
          {t("submit")}
        </SubmitButton>
        <span className="text-sm text-slate-500 dark:text-slate-400" aria-live="polite">
          {saveError ? (
            <span className="text-red-600 dark:text-red-400">{t("notSaved", { error: saveError })}</span>
          ) : savedAt ? (
            <span data-testid="saved-at">{t("savedAt", { time: savedAt })}</span>
          ) : (
            t("autosave")

          )}
        </span>
      </div>
    </form>
  );
}
