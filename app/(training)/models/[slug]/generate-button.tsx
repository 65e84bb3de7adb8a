// "Generate outputs": queues the active version's generation of fresh outputs to rank.
"use client";
import { asyncHandler } from "@/app/_components/form";
import { useState } from "react";
import { useTranslations } from "next-intl";
import { generateOutputs } from "../actions";

export function GenerateButton({ projectSlug }: { projectSlug: string }) {
  const t = useTranslations("models.generate");
  const [message, setMessage] = useState<string | null>(null);
  return (
    <span className="inline-flex items-center gap-3">
      <button
        type="button"
        data-testid="generate-outputs"
        className="rounded-md bg-indigo-600 px-3 py-1.5 text-sm font-medium text-white hover:bg-indigo-500"
        onClick={asyncHandler(async () => {
          const res = await generateOutputs({ projectSlug, limit: 100 });
          setMessage(res.ok ? t("queued") : res.error);
        })}
      >
        {t("button")}
      </button>
      {message && <span role="status" data-testid="generate-status" className="text-sm">{message}</span>}
    </span>
  );
}
