// Under each output: its flags, and "Edit this reply" (a rewrite that goes to review as a demonstration).
"use client";
import { useTranslations } from "next-intl";
import { useState } from "react";
import { inputClass } from "@/app/_components/form";
import { completionFlags } from "@/db/schema/completion-flags";
import { rewriteCompletion } from "../../actions";

export function FlagBoxes({ label, checked, onToggle }: { label: string; checked: (flag: string) => boolean; onToggle: (flag: string, on: boolean) => void }) {
  const t = useTranslations("rank.flags");
  return (
    <fieldset className="mt-3 flex flex-wrap gap-x-4 gap-y-1 text-xs">
      <legend className="sr-only">{t("legend", { label })}</legend>
      {completionFlags.map((flag) => (
        <label key={flag} className="flex items-center gap-1">
          <input type="checkbox" data-testid={`flag-${flag}`} checked={checked(flag)} onChange={(e) => onToggle(flag, e.target.checked)} />
          {t(flag)}
        </label>
      ))}
    </fieldset>
  );
}

/** Which output is being rewritten, its text, and which were sent; one per task. */
export function useRewrites(assignmentId: string, textOf: (id: string) => string) {
  const [rewriting, setRewriting] = useState<string | null>(null);
  const [text, setText] = useState("");
  const [sent, setSent] = useState<Set<string>>(new Set());
  const [error, setError] = useState<string | null>(null);
  return {
    rewriting,
    text,
    sent,
    error,
    setText,
    /** typed something that would be lost by skipping */
    dirty: rewriting !== null && text.trim() !== "" && text !== textOf(rewriting),
    open: (id: string) => (setRewriting(id), setText(textOf(id)), setError(null)),
    cancel: () => (setRewriting(null), setError(null)),
    async save(completionId: string) {
      const res = await rewriteCompletion({ assignmentId, completionId, text });
      if (res.ok) {
        setSent((s) => new Set(s).add(completionId));
        setRewriting(null);
        setText("");
        setError(null);
      } else setError(res.fieldErrors?.text?.join(" ") ?? res.error);
    },
  };
}

export type Rewrites = ReturnType<typeof useRewrites>;

export function RewriteControl({ id, rw }: { id: string; rw: Rewrites }) {
  const t = useTranslations("rank.rewrite");
  if (rw.sent.has(id)) {
    return (
      <p data-testid="rewrite-done" className="mt-2 text-xs text-green-700 dark:text-green-400">
        {t("sent")}
      </p>
    );
  }
  if (rw.rewriting !== id) {
    return (
      <button type="button" data-testid="edit-reply" onClick={() => rw.open(id)} className="mt-2 text-xs text-indigo-600 underline dark:text-indigo-400">
        {t("open")}
      </button>
    );
  }
  return (
    <div className="mt-3 space-y-2">
      <label className="block text-xs font-medium" htmlFor={`rewrite-${id}`}>
        {t("label")}
      </label>
      <textarea id={`rewrite-${id}`} data-testid="rewrite-text" rows={8} value={rw.text} onChange={(e) => rw.setText(e.target.value)} className={inputClass} />
      {rw.error && (
        <p role="alert" data-testid="error-text" className="text-sm text-red-600 dark:text-red-400">
          {rw.error}
        </p>
      )}
      <div className="flex gap-2">
        <button type="button" data-testid="rewrite-save" onClick={() => void rw.save(id)} className="rounded bg-indigo-600 px-3 py-1 text-xs font-medium text-white hover:bg-indigo-500">
          {t("save")}
        </button>
        <button type="button" onClick={rw.cancel} className="rounded border border-slate-300 px-3 py-1 text-xs dark:border-slate-700">
          {t("cancel")}

        </button>
      </div>
    </div>
  );
}
