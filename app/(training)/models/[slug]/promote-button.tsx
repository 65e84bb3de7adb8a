// "Promote": makes a version the active one; unless the release gate recommended it, says why not and asks for a reason
// (optional for the first version, which has nothing to compare with).
"use client";
import { useState } from "react";
import { useRouter } from "next/navigation";
import { useTranslations } from "next-intl";
import { inputClass } from "@/app/_components/form";
import type { GateState } from "@/lib/runs/gate";
import { promoteVersion } from "../actions";

/** What the form says when the gate did not recommend the version; `optional`: no gate could have run, so no reason is owed. */
function whyAsk(t: ReturnType<typeof useTranslations<"models.promote">>, gate: GateState, label: string, judged: string | null): { text: string; optional: boolean } {
  if (gate === "first") return { text: t("askFirst", { label }), optional: true };
  if (gate === "nothing_to_compare") return { text: t("askNothing", { label }), optional: true };
  if (gate === "pending") return { text: t("askPending", { label, judged: judged ?? t("notJudged") }), optional: false };
  if (gate === "not_compared") return { text: t("askNotCompared", { label }), optional: false };
  return { text: t("askNotRecommended", { label }), optional: false };
}

export function PromoteButton({ projectSlug, versionId, label, gate, judged }: { projectSlug: string; versionId: string; label: string; gate: GateState; judged: string | null }) {
  const recommended = gate === "recommended";
  const t = useTranslations("models.promote");
  const ask = whyAsk(t, gate, label, judged);
  const router = useRouter();
  const [asking, setAsking] = useState(false);
  const [reason, setReason] = useState("");
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const promote = async (why?: string) => {
    setPending(true);
    const res = await promoteVersion({ projectSlug, versionId, ...(why ? { reason: why } : {}) });
    setPending(false);
    if (res.ok) {
      setAsking(false);
      setError(null);
      router.refresh();
    } else setError(res.fieldErrors ? Object.values(res.fieldErrors).flat().join(" ") : res.error);
  };
  const button = "rounded-md bg-indigo-600 px-3 py-1.5 text-sm font-medium text-white hover:bg-indigo-500 disabled:opacity-50";
  return (
    <div className="space-y-2">
      {!asking ? (
        <button
          type="button"
          className={button}
          disabled={pending}
          data-testid={`promote-${versionId}`}
          onClick={() => {
            if (recommended) {
              if (window.confirm(t("confirm", { label }))) void promote();
            } else setAsking(true);
          }}
        >
          {pending ? t("promoting") : t("promote")}
        </button>
      ) : (
        <form
          className="space-y-2"
          data-testid={`promote-reason-form-${versionId}`}
          onSubmit={(e) => {
            e.preventDefault();
            if (!reason.trim() && !ask.optional) {
              setError(t("needReason"));
              return;
            }
            void promote(reason.trim() || undefined);
          }}
        >
          <label className="block space-y-1">
            <span className="text-sm font-medium" data-testid="promote-question">
              {ask.text}
            </span>
            {ask.optional && <span className="block text-xs text-slate-500">{t("note")}</span>}
            <textarea
              name="reason"
              data-testid="field-reason"
              rows={2}
              maxLength={500}
              value={reason}
              onChange={(e) => setReason(e.target.value)}
              className={inputClass}
              autoFocus
            />
          </label>
          <div className="flex gap-2">
            <button type="submit" className={button} disabled={pending} data-testid={`promote-confirm-${versionId}`}>
              {pending ? t("promoting") : ask.optional ? t("promote") : t("promoteAnyway")}
            </button>
            <button type="button" className="rounded-md px-3 py-1.5 text-sm" onClick={() => setAsking(false)}>
              {t("back")}
            </button>
          </div>
        </form>
      )}
      {error && (
        <p role="alert" data-testid="promote-error" className="text-sm text-red-700 dark:text-red-400">
          {error}
        </p>
      )}
    </div>
  );
}
