// "Skip…": a reason, and a warning before it discards a typed rationale or rewrite.
"use client";
import { useTranslations } from "next-intl";
import { useRef, useState } from "react";
import { inputClass } from "@/app/_components/form";
import { skipTask } from "../../actions";

export function SkipPanel({ assignmentId, wouldDiscard, disabled, onSkipped }: { assignmentId: string; wouldDiscard: boolean; disabled: boolean; onSkipped: () => void }) {
  const t = useTranslations("rank.skip");
  const [open, setOpen] = useState(false);
  const [reason, setReason] = useState("");
  const [warned, setWarned] = useState(false);
  const [error, setError] = useState<string[] | undefined>();
  const [pending, setPending] = useState(false);
  const input = useRef<HTMLInputElement>(null);

  async function skip() {
    if (wouldDiscard && !warned) {
      setWarned(true);
      return;
    }
    if (pending) return;
    setPending(true);
    const res = await skipTask({ assignmentId, reason });
    if (res.ok) return onSkipped();
    setPending(false);
    setError(res.fieldErrors?.reason ?? [res.error]);
  }

  if (!open) {
    return (
      <button
        type="button"
        data-testid="skip-open"
        disabled={disabled}
        onClick={() => {
          setOpen(true);
          setTimeout(() => input.current?.focus(), 0);
        }}
        className="rounded-md border border-slate-300 px-4 py-2 text-sm dark:border-slate-700"
      >
        {t("open")}
      </button>
    );
  }
  return (
    <form
      className="w-full space-y-2 rounded-md border border-slate-200 p-3 dark:border-slate-700"
      onSubmit={(e) => {
        e.preventDefault();
        void skip();
      }}
    >
      <label className="block space-y-1">
        <span className="text-sm font-medium">{t("why")}</span>
        <input ref={input} list="skip-reasons" data-testid="skip-reason" value={reason} onChange={(e) => setReason(e.target.value)} aria-invalid={error ? true : undefined} className={inputClass} />
        <datalist id="skip-reasons">
          <option value={t("reasons.topic")} />
          <option value={t("reasons.unclear")} />
          <option value={t("reasons.unreadable")} />
        </datalist>
        {error && (
          <span role="alert" data-testid="error-reason" className="block text-sm text-red-600 dark:text-red-400">
            {error.join(" ")}
          </span>
        )}
      </label>
      {warned && (
        <p role="alert" data-testid="skip-warning" className="text-sm text-amber-700 dark:text-amber-400">
          {t("warning")}
        </p>
      )}
      <div className="flex gap-2">
        <button type="submit" data-testid="skip-confirm" disabled={pending} className="rounded bg-slate-700 px-3 py-1 text-sm text-white disabled:opacity-50 dark:bg-slate-600">
          {warned ? t("discard") : t("confirm")}
        </button>
        <button type="button" onClick={() => (setOpen(false), setWarned(false))} className="rounded border border-slate-300 px-3 py-1 text-sm dark:border-slate-700">
          {t("cancel")}

        </button>
      </div>
    </form>
  );
}
