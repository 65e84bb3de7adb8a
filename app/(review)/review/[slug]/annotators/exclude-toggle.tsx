// Leaves an annotator's rankings out of (or back in) the project's consensus.
"use client";
import { asyncHandler } from "@/app/_components/form";
import { useTranslations } from "next-intl";
import { useState } from "react";
import { useRouter } from "next/navigation";
import { setAnnotatorExcluded } from "../../actions";

export function ExcludeToggle({ projectSlug, userId, excluded }: { projectSlug: string; userId: string; excluded: boolean }) {
  const router = useRouter();
  const t = useTranslations("review.annotators");
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<string | null>(null);
  return (
    <span className="flex items-center gap-2">
      <button
        type="button"
        data-testid="exclude-toggle"
        aria-pressed={excluded}
        disabled={pending}
        onClick={asyncHandler(async () => {
          setPending(true);
          const res = await setAnnotatorExcluded({ projectSlug, userId, excluded: !excluded });
          setPending(false);
          setError(res.ok ? null : res.error);
          router.refresh();
        })}
        className={`rounded border px-2 py-1 text-xs disabled:opacity-50 ${excluded ? "border-red-300 text-red-700 dark:border-red-800 dark:text-red-400" : "border-slate-300 dark:border-slate-700"}`}
      >
        {excluded ? t("excluded") : t("included")}

      </button>
      {error && <span role="alert" className="text-xs text-red-600 dark:text-red-400">{error}</span>}
    </span>
  );
}
