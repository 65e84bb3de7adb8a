// "Compute loss per category": queues the evaluate job for a version trained before per-category loss was recorded.
"use client";
import { asyncHandler } from "@/app/_components/form";
import { useState } from "react";
import { useTranslations } from "next-intl";
import { evaluateVersionByCategory } from "../../models/actions";

export function EvaluateButton({ projectSlug, versionId }: { projectSlug: string; versionId: string }) {
  const t = useTranslations("evaluation.evaluate");
  const [message, setMessage] = useState<string | null>(null);
  return (
    <span className="block">
      <button
        type="button"
        data-testid={`evaluate-${versionId}`}
        className="mt-1 rounded-md border border-indigo-600 px-2 py-0.5 text-xs font-medium text-indigo-700 hover:bg-indigo-50 dark:text-indigo-300 dark:hover:bg-indigo-950"
        onClick={asyncHandler(async () => {
          const res = await evaluateVersionByCategory({ projectSlug, versionId });
          setMessage(res.ok ? t("queued") : res.error);
        })}
      >
        {t("button")}
      </button>
      {message && (
        <span role="status" className="block text-xs font-normal">
          {message}
        </span>
      )}
    </span>
  );
}
