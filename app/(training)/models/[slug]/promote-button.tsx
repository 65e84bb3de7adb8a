// "Promote": makes a version the active one; when the evaluation gate did not recommend it, asks why first.
"use client";
import { useState } from "react";
import { useRouter } from "next/navigation";
import { inputClass } from "@/app/_components/form";
import { promoteVersion } from "../actions";

export function PromoteButton({ projectSlug, versionId, label, recommended }: { projectSlug: string; versionId: string; label: string; recommended: boolean }) {
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
              if (window.confirm(`Make ${label} the active model? It will write new candidate outputs from now on.`)) void promote();
            } else setAsking(true);
          }}
        >
          {pending ? "Promoting…" : "Promote"}
        </button>
      ) : (
        <form
          className="space-y-2"
          data-testid={`promote-reason-form-${versionId}`}
          onSubmit={(e) => {
            e.preventDefault();
            if (!reason.trim()) {
              setError("Give a reason: the evaluation gate did not recommend this version.");
              return;
            }
            void promote(reason.trim());
          }}
        >
          <label className="block space-y-1">
            <span className="text-sm font-medium">The evaluation gate did not recommend {label}. Why promote it anyway?</span>
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
              {pending ? "Promoting…" : "Promote anyway"}
            </button>
            <button type="button" className="rounded-md px-3 py-1.5 text-sm" onClick={() => setAsking(false)}>
              Back
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
