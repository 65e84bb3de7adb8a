// "Compare with active": queues the release gate's blind pairwise comparison of a version against the active one.
"use client";
import { asyncHandler } from "@/app/_components/form";
import { useState } from "react";
import { useTranslations } from "next-intl";
import { compareVersion } from "../actions";

export function CompareButton({ projectSlug, versionId }: { projectSlug: string; versionId: string }) {
  const t = useTranslations("models.compare");
  const [message, setMessage] = useState<string | null>(null);
  return (
    <span className="inline-flex items-center gap-3">
      <button
        type="button"
        data-testid={`compare-${versionId}`}
        className="rounded-md border border-indigo-600 px-2 py-1 text-xs font-medium text-indigo-700 hover:bg-indigo-50 dark:text-indigo-300 dark:hover:bg-indigo-950"
        onClick={asyncHandler(async () => {
          const res = await compareVersion({ projectSlug, versionId });
          setMessage(res.ok ? t("queued") : res.error);
        })}
      >
        {t("button")}
      </button>
      {message && (
        <span role="status" className="text-xs">
          {message}
        </span>
      )}
    </span>
  );
}
