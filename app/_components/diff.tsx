// Before/after word diff for review edits and rewrites: inline, or side by side (the default for a full rewrite).
"use client";
import { useTranslations } from "next-intl";
import { useMemo, useState } from "react";
import { isFullRewrite, sideBySide, wordDiff, type DiffPart } from "@/lib/reviews/text-diff";

type View = "inline" | "side";

function Parts({ parts }: { parts: DiffPart[] }) {
  return parts.map((p, k) =>
    p.kind === "same" ? (
      <span key={k}>{p.text}</span>
    ) : p.kind === "del" ? (
      <del key={k} className="bg-red-100 text-red-800 dark:bg-red-950 dark:text-red-300">
        {p.text}
      </del>
    ) : (
      <ins key={k} className="bg-green-100 text-green-800 no-underline dark:bg-green-950 dark:text-green-300">
        {p.text}
      </ins>
    ),
  );
}

const box = "whitespace-pre-wrap break-words rounded border border-slate-200 p-2 text-sm dark:border-slate-700";

export function Diff({ before, after, testId = "diff" }: { before: string; after: string; testId?: string }) {
  const t = useTranslations("diff");
  // null: more edits than the diff follows (see MAX_EDIT_TOKENS); both texts are then shown whole, side by side.
  const parts = useMemo(() => wordDiff(before, after), [before, after]);
  const full = isFullRewrite(parts);
  const [chosen, setChosen] = useState<View | null>(null);
  const view: View = parts === null ? "side" : (chosen ?? (full ? "side" : "inline"));
  const columns = parts ? sideBySide(parts) : { before: [{ kind: "del" as const, text: before }], after: [{ kind: "ins" as const, text: after }] };
  const toggle = (v: View, label: string) => (
    <button
      type="button"
      data-testid={`${testId}-view-${v}`}
      aria-pressed={view === v}
      disabled={parts === null && v === "inline"}
      onClick={() => setChosen(v)}
      className={`rounded px-2 py-0.5 disabled:opacity-40 ${view === v ? "bg-slate-200 font-medium dark:bg-slate-700" : "hover:bg-slate-100 dark:hover:bg-slate-800"}`}
    >
      {label}
    </button>
  );
  return (
    <div data-testid={testId} data-view={view} data-full-rewrite={full ? "true" : "false"} className="space-y-1">
      <div className="flex items-center gap-1 text-xs text-slate-500 dark:text-slate-400">
        {full && <span className="mr-2">{parts === null ? t("tooDifferent") : t("mostlyRewritten")}</span>}
        {toggle("inline", t("inline"))}
        {toggle("side", t("side"))}
      </div>
      {view === "inline" && parts ? (
        <p className={box}>
          <Parts parts={parts} />
        </p>
      ) : (
        <div className="grid gap-2 sm:grid-cols-2">
          <div>
            <div className="mb-0.5 text-xs uppercase tracking-wide text-slate-500">{t("before")}</div>
            <p data-testid={`${testId}-before`} className={box}>
              <Parts parts={columns.before} />
            </p>
          </div>
          <div>
            <div className="mb-0.5 text-xs uppercase tracking-wide text-slate-500">{t("after")}</div>
            <p data-testid={`${testId}-after`} className={box}>
              <Parts parts={columns.after} />
            </p>
          </div>
        </div>
      )}
    </div>
  );
}
