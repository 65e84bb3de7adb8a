// One output in the ranking list: drag handle, rank, move buttons, the tie connector to the output above, its text.
"use client";
import { useFormatter, useTranslations } from "next-intl";
import { useState } from "react";
import { useSortable } from "@dnd-kit/sortable";
import { CSS } from "@dnd-kit/utilities";
import { Markdown } from "@/app/_components/markdown";
import type { Output } from "./work";

// Outputs longer than this (characters or lines) start clamped behind "Show more".
const CLAMP_CHARS = 700;
const CLAMP_LINES = 14;

export function OutputCard({
  output,
  index,
  count,
  rank,
  tied,
  register,
  onKeyDown,
  onMove,
  onToggleTie,
  children,
}: {
  output: Output;
  index: number;
  count: number;
  rank: number;
  tied: boolean;
  register: (el: HTMLElement | null) => void;
  onKeyDown: (e: React.KeyboardEvent<HTMLElement>) => void;
  onMove: (to: number) => void;
  onToggleTie: () => void;
  children: React.ReactNode;
}) {
  const { attributes, listeners, setNodeRef, setActivatorNodeRef, transform, transition, isDragging } = useSortable({ id: output.id });
  const [expanded, setExpanded] = useState(false);
  const t = useTranslations("rank.output");
  const format = useFormatter();
  const long = output.text.length > CLAMP_CHARS || output.text.split("\n").length > CLAMP_LINES;
  const small = "rounded border border-slate-300 px-1.5 text-xs disabled:opacity-30 dark:border-slate-700";
  return (
    <li
      ref={(el) => {
        setNodeRef(el);
        register(el);
      }}
      style={{ transform: CSS.Translate.toString(transform), transition }}
      tabIndex={0}
      onKeyDown={onKeyDown}
      data-testid="rank-item"
      data-output-id={output.id}
      data-rank={rank}
      data-tied={tied ? "true" : undefined}
      aria-label={tied ? t("ariaTied", { label: output.label, rank }) : t("aria", { label: output.label, rank })}
      className="group relative rounded-lg outline-none"
    >
      {index > 0 && (
        // The tie control sits between this output and the one above: it joins or splits the two, it is not a label of either.
        <div className="flex justify-center py-1">
          <button
            type="button"
            tabIndex={-1}
            data-testid="tie-toggle"
            aria-pressed={tied}
            aria-label={tied ? t("untieAria", { label: output.label }) : t("tieAria", { label: output.label })}
            onClick={onToggleTie}
            className={`rounded-full px-2 text-xs ${tied ? "bg-amber-100 text-amber-900 dark:bg-amber-900/50 dark:text-amber-200" : "text-slate-400 hover:bg-slate-100 hover:text-slate-700 dark:hover:bg-slate-800"}`}
          >
            {tied ? t("tied") : t("tie")}
          </button>
        </div>
      )}
      <div
        className={`rounded-lg border bg-white p-4 shadow-sm group-focus-visible:ring-2 group-focus-visible:ring-indigo-500 dark:bg-slate-900 ${
          isDragging ? "z-10 border-indigo-400 shadow-lg" : "border-slate-200 dark:border-slate-800"
        }`}
      >
        <div className="flex gap-3">
          <div className="flex flex-col items-center gap-1">
            <button
              type="button"
              ref={setActivatorNodeRef}
              {...attributes}
              {...listeners}
              tabIndex={-1}
              aria-label={t("drag", { label: output.label })}
              data-testid="drag-handle"
              className="cursor-grab touch-none select-none rounded px-1 text-lg leading-none text-slate-400 hover:bg-slate-100 active:cursor-grabbing dark:hover:bg-slate-800"
            >
              ⠿
            </button>
            <span data-testid="rank-position" className="flex h-7 w-7 items-center justify-center rounded-full bg-indigo-600 text-sm font-semibold text-white">
              {format.number(rank)}
            </span>
            <button type="button" tabIndex={-1} aria-label={t("moveUp")} disabled={index === 0} onClick={() => onMove(index - 1)} className={small}>
              ↑
            </button>
            <button type="button" tabIndex={-1} aria-label={t("moveDown")} disabled={index === count - 1} onClick={() => onMove(index + 1)} className={small}>
              ↓
            </button>
          </div>
          <div className="min-w-0 flex-1">
            <div className="mb-1 text-xs text-slate-500 dark:text-slate-400">
              <span data-testid="output-label">{t("label", { label: output.label })}</span>
            </div>
            <div className={long && !expanded ? "relative max-h-64 overflow-hidden" : ""}>
              <Markdown testId="output-text" className="text-sm">
                {output.text}
              </Markdown>
              {long && !expanded && <div className="pointer-events-none absolute inset-x-0 bottom-0 h-12 bg-gradient-to-t from-white dark:from-slate-900" />}
            </div>
            {long && (
              <button type="button" data-testid="show-more" aria-expanded={expanded} onClick={() => setExpanded((x) => !x)} className="mt-1 text-xs text-indigo-600 underline dark:text-indigo-400">
                {expanded ? t("showLess") : t("showMore")}

              </button>
            )}
            {children}
          </div>
        </div>
      </div>
    </li>
  );
}
