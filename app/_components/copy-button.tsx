// A button that copies a value to the clipboard and says whether it did; the value also sits in data-value.
"use client";
import { useTranslations } from "next-intl";
import { asyncHandler } from "@/app/_components/form";
import { useState } from "react";

export function CopyButton({ value, label, testId = "copy" }: { value: string; label?: string; testId?: string }) {
  const t = useTranslations("form");
  const [state, setState] = useState<"idle" | "copied" | "failed">("idle");
  return (
    <button
      type="button"
      data-testid={testId}
      data-value={value}
      data-state={state}
      onClick={asyncHandler(async () => {
        try {
          await navigator.clipboard.writeText(value);
          setState("copied");
        } catch {
          // No clipboard (an insecure origin, or permission refused): the text stays on screen to select by hand.
          setState("failed");
        }
      })}
      className="rounded border border-slate-300 px-2 py-0.5 text-xs font-medium hover:bg-slate-100 dark:border-slate-700 dark:hover:bg-slate-800"
    >
      {state === "copied" ? t("copied") : state === "failed" ? t("copyFailed") : (label ?? t("copy"))}
    </button>
  );
}
