// The selected item's controls: approve, reject with a reason, edit with a live diff, or set a ranking's consensus as gold.
"use client";
import { useTranslations } from "next-intl";
import { Diff } from "@/app/_components/diff";
import { FormError, inputClass } from "@/app/_components/form";
import { canEdit, type EditDraft, type QueueItem } from "@/lib/reviews/queue-items";
import type { ReviewQueueState } from "./use-review-queue";

const btn = "rounded-md px-3 py-1.5 text-sm font-medium disabled:opacity-50";

export function DecisionPanel({ item, q }: { item: QueueItem; q: ReviewQueueState }) {
  const { panel, pending } = q;
  const t = useTranslations("review.decide");
  return (
    <div className="mt-4 space-y-3 border-t border-slate-100 pt-3 dark:border-slate-800">
      <div className="flex flex-wrap gap-2">
        <button type="button" data-testid="approve" disabled={pending} onClick={() => void q.decide("approve")} className={`${btn} bg-green-600 text-white hover:bg-green-500`}>
          {item.kind === "ranking" ? t("acceptConsensus") : item.kind === "screening" ? t("clear") : t("approve")} <kbd className="ms-1 opacity-70">a</kbd>
        </button>
        <button type="button" data-testid="reject" disabled={pending} onClick={() => q.openPanel("reject")} className={`${btn} border border-red-300 text-red-700 dark:border-red-800 dark:text-red-400`}>
          {t("rejectOpen")} <kbd className="ms-1 opacity-70">r</kbd>
        </button>
        {canEdit(item) ? (
          <button type="button" data-testid="edit" disabled={pending} onClick={() => q.openPanel("edit")} className={`${btn} border border-slate-300 dark:border-slate-700`}>
            {t("editOpen")} <kbd className="ms-1 opacity-70">e</kbd>
          </button>
        ) : (
          <button type="button" data-testid="set-gold" disabled={pending || item.kind !== "ranking" || !item.consensus} onClick={() => void q.setGold()} className={`${btn} border border-amber-300 text-amber-800 dark:border-amber-800 dark:text-amber-300`}>
            {t("setGold")}
          </button>
        )}
      </div>
      {panel === "reject" && <RejectForm q={q} />}
      {panel === "edit" && canEdit(item) && <EditForm item={item} q={q} />}
      <FormError message={q.error} />
    </div>
  );
}

function RejectForm({ q }: { q: ReviewQueueState }) {
  // Taken apart here: the compiler's refs rule reads every field of an object that carries a ref as a ref read.
  const { reasonRef, reason, setReason, decide, pending } = q;
  const error = q.fieldErrors.reason;
  const t = useTranslations("review.decide");
  return (
    <form
      className="space-y-2"
      onSubmit={(e) => {
        e.preventDefault();
        void decide("reject");
      }}
    >
      <label className="block space-y-1">
        <span className="text-sm font-medium">{t("reason")}</span>
        <textarea
          ref={reasonRef}
          data-testid="reject-reason"
          rows={2}
          value={reason}
          onChange={(e) => setReason(e.target.value)}
          onKeyDown={(e) => {
            if (e.key === "Enter" && (e.metaKey || e.ctrlKey)) void decide("reject");
          }}
          aria-invalid={error ? true : undefined}
          aria-describedby={error ? "reason-error" : undefined}
          className={inputClass}
        />
        {error && (
          <span id="reason-error" role="alert" data-testid="error-reason" className="block text-sm text-red-600 dark:text-red-400">
            {error.join(" ")}
          </span>
        )}
      </label>
      <button type="submit" data-testid="reject-confirm" disabled={pending} className={`${btn} bg-red-600 text-white hover:bg-red-500`}>
        {t("reject")}
      </button>
    </form>
  );
}

function EditForm({ item, q }: { item: QueueItem; q: ReviewQueueState }) {
  const t = useTranslations("review.decide");
  const field = (name: keyof EditDraft, label: string, before: string, rows: number, first: boolean) => (
    <div className="space-y-1">
      <label className="block text-xs font-medium" htmlFor={`edit-${name}`}>
        {label}
      </label>
      <textarea
        id={`edit-${name}`}
        ref={first ? q.editRef : undefined}
        data-testid={`edit-${name}`}
        rows={rows}
        value={q.edit[name]}
        onChange={(e) => {
          const v = e.target.value;
          q.setEdit((x) => ({ ...x, [name]: v }));
        }}
        className={inputClass}
      />
      {q.fieldErrors[`edit.${name}`] && (
        <span role="alert" data-testid={`error-edit-${name}`} className="block text-sm text-red-600 dark:text-red-400">
          {q.fieldErrors[`edit.${name}`].join(" ")}
        </span>
      )}
      {q.edit[name] !== before && <Diff before={before} after={q.edit[name]} testId={`diff-${name}`} />}
    </div>
  );
  return (
    <form
      className="space-y-3"
      onSubmit={(e) => {
        e.preventDefault();
        void q.decide("edit");
      }}
    >
      {item.kind === "prompt" && field("instruction", t("instruction"), item.instruction, 3, true)}
      {item.kind === "prompt" && field("input", t("input"), item.input ?? "", 2, false)}
      {item.kind === "prompt" && item.demonstration !== null && field("text", t("demonstration"), item.demonstration, 8, false)}
      {item.kind === "demonstration" && field("text", t("rewrite"), item.text, 8, true)}
      {q.fieldErrors.edit && (
        <p role="alert" data-testid="error-edit" className="text-sm text-red-600 dark:text-red-400">
          {q.fieldErrors.edit.join(" ")}
        </p>
      )}
      <button type="submit" data-testid="edit-save" disabled={q.pending} className={`${btn} bg-indigo-600 text-white hover:bg-indigo-500`}>
        {t("saveEdit")}

      </button>
    </form>
  );
}
