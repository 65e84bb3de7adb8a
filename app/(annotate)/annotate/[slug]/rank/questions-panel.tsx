// The project's other questions on the rank page, keyboard-first: rating keys min–max, strength keys 1–5, label toggles, a text box, spans by selecting text.
"use client";
import { useFormatter, useTranslations } from "next-intl";
import { useRef, useState } from "react";
import { inputClass } from "@/app/_components/form";
import { Markdown } from "@/app/_components/markdown";
import type { Answers, PairwiseAnswer, Question, RatingAnswer, SpanAnswer, Strength } from "@/db/schema/questions";
import type { FieldErrors } from "@/lib/errors";
import type { Output } from "./work";

/** The answers a task starts with (a saved draft's) and a setter; an unset answer is left out. */
export function useAnswers(initial: Answers | undefined) {
  const [answers, setAnswers] = useState<Answers>(initial ?? {});
  const set = (id: string, value: Answers[string] | undefined) => {
    setAnswers((a) => {
      const next = { ...a };
      if (value === undefined) delete next[id];
      else next[id] = value;
      return next;
    });
  };
  return { answers, set };
}

const strengths: Array<{ value: Strength; label: string }> = [
  { value: 2, label: "A ≫ B" },
  { value: 1, label: "A > B" },
  { value: 0, label: "tie" },
  { value: -1, label: "B > A" },
  { value: -2, label: "B ≫ A" },
];

export function QuestionsPanel({ questions, outputs, answers, set, fieldErrors }: { questions: Question[]; outputs: Output[]; answers: Answers; set: (id: string, v: Answers[string] | undefined) => void; fieldErrors: FieldErrors }) {
  const t = useTranslations("rank.questions");
  const shown = questions.filter((q) => q.type !== "ranking");
  if (!shown.length) return null;
  return (
    <section data-testid="questions" className="space-y-4 rounded-lg border border-slate-200 bg-white p-5 dark:border-slate-800 dark:bg-slate-900">
      {shown.map((q) => (
        <fieldset key={q.id} data-testid={`question-${q.id}`} className="space-y-2">
          <legend className="text-sm font-medium">
            {q.title}
            {!q.required && <span className="ms-1 text-xs font-normal text-slate-500">{t("optional")}</span>}
          </legend>
          {q.guidelines && <Markdown className="text-xs text-slate-600 dark:text-slate-400">{q.guidelines}</Markdown>}
          <QuestionInput q={q} outputs={outputs} value={answers[q.id]} set={(v) => set(q.id, v)} />
          {fieldErrors[`answers.${q.id}`] && (
            <p role="alert" data-testid={`error-answers-${q.id}`} className="text-sm text-red-600 dark:text-red-400">
              {fieldErrors[`answers.${q.id}`].join(" ")}
            </p>
          )}
        </fieldset>
      ))}
    </section>
  );
}

function QuestionInput({ q, outputs, value, set }: { q: Question; outputs: Output[]; value: Answers[string] | undefined; set: (v: Answers[string] | undefined) => void }) {
  const t = useTranslations("rank.questions");
  switch (q.type) {
    case "ranking":
      return null;
    case "rating": {
      const r = (value as RatingAnswer | undefined) ?? {};
      const rate = (id: string, criterion: string, n: number) => set({ ...r, [id]: { ...r[id], [criterion]: n } });
      return (
        <div className="space-y-2">
          {q.criteria.map((c) => (
            <div key={c.name} className="space-y-1">
              <div className="text-xs text-slate-600 dark:text-slate-400">
                <span className="font-medium">{c.name}</span>
                {c.description ? `: ${c.description}` : ""} {t("scaleHint", { min: q.min, max: q.max })}
              </div>
              {outputs.map((o) => (
                <Scale key={o.id} testId={`rate-${q.id}-${c.name}-${o.label}`} label={t("output", { label: o.label })} min={q.min} max={q.max} value={r[o.id]?.[c.name]} onPick={(n) => rate(o.id, c.name, n)} />
              ))}
            </div>
          ))}
        </div>
      );
    }
    case "pairwise": {
      if (outputs.length < 2) return null;
      const [a, b] = outputs;
      const p = value as PairwiseAnswer | undefined;
      const pick = (s: Strength) => set({ a: a.id, b: b.id, strength: s });
      return (
        <div
          role="radiogroup"
          tabIndex={0}
          aria-label={t("against", { a: a.label, b: b.label })}
          data-testid={`strength-${q.id}`}
          onKeyDown={(e) => {
            const i = "12345".indexOf(e.key);
            if (i >= 0) {
              e.preventDefault();
              pick(strengths[i].value);
            }
          }}
          className="flex flex-wrap gap-2 rounded p-1 focus:outline focus:outline-2 focus:outline-indigo-500"
        >
          {strengths.map((s, i) => (
            <button key={s.value} type="button" role="radio" aria-checked={p?.strength === s.value} data-testid={`strength-${q.id}-${s.value}`} onClick={() => pick(s.value)} className={chip(p?.strength === s.value)}>
              <kbd className="me-1 text-xs opacity-60">{i + 1}</kbd>
              {s.label === "tie" ? t("tie") : s.label.replace("A", a.label).replace("B", b.label)}
            </button>
          ))}
        </div>
      );
    }
    case "label": {
      const chosen = (value as string[] | undefined) ?? [];
      const toggle = (o: string) => set(chosen.includes(o) ? chosen.filter((x) => x !== o) : q.multiple ? [...chosen, o] : [o]);
      return (
        <div className="flex flex-wrap gap-3">
          {q.options.map((o) => (
            <label key={o} className="flex items-center gap-1 text-sm">
              <input type={q.multiple ? "checkbox" : "radio"} name={`label-${q.id}`} data-testid={`label-${q.id}-${o}`} checked={chosen.includes(o)} onChange={() => toggle(o)} />
              {o}
            </label>
          ))}
        </div>
      );
    }
    case "text":
      return <textarea data-testid={`text-${q.id}`} rows={2} maxLength={q.maxLength} value={(value as string | undefined) ?? ""} onChange={(e) => set(e.target.value === "" ? undefined : e.target.value)} className={inputClass} />;
    case "span":
      return <Spans q={q} outputs={outputs} spans={(value as SpanAnswer[] | undefined) ?? []} set={(s) => set(s.length ? s : undefined)} />;
  }
}

function Scale({ testId, label, min, max, value, onPick }: { testId: string; label: string; min: number; max: number; value: number | undefined; onPick: (n: number) => void }) {
  const format = useFormatter();
  const values = Array.from({ length: max - min + 1 }, (_, i) => min + i);
  return (
    <div
      role="radiogroup"
      tabIndex={0}
      aria-label={label}
      data-testid={testId}
      onKeyDown={(e) => {
        const n = Number(e.key);
        if (e.key.length === 1 && Number.isInteger(n) && n >= min && n <= max) {
          e.preventDefault();
          onPick(n);
        }
      }}
      className="flex items-center gap-1 rounded p-0.5 focus:outline focus:outline-2 focus:outline-indigo-500"
    >
      <span className="w-20 text-xs">{label}</span>
      {values.map((n) => (
        <button key={n} type="button" role="radio" tabIndex={-1} aria-checked={value === n} onClick={() => onPick(n)} className={chip(value === n)}>
          {format.number(n)}
        </button>
      ))}
    </div>
  );
}

/** Select text inside an output, then a label (button or its number key) marks it; offsets are UTF-16 code units of the output's text. */
function Spans({ q, outputs, spans, set }: { q: Question & { type: "span" }; outputs: Output[]; spans: SpanAnswer[]; set: (s: SpanAnswer[]) => void }) {
  const refs = useRef(new Map<string, HTMLElement>());
  const t = useTranslations("rank.questions");
  const [problem, setProblem] = useState<string | null>(null);
  const mark = (label: string) => {
    const sel = window.getSelection();
    const range = sel && sel.rangeCount ? sel.getRangeAt(0) : null;
    const output = outputs.find((o) => range && refs.current.get(o.id)?.contains(range.startContainer) && refs.current.get(o.id)?.contains(range.endContainer));
    if (!range || !output || range.collapsed) return setProblem(t("selectFirst"));
    const el = refs.current.get(output.id)!;
    const before = document.createRange();
    before.setStart(el, 0);
    before.setEnd(range.startContainer, range.startOffset);
    const start = before.toString().length;
    const end = start + range.toString().length;
    setProblem(null);
    set([...spans, { completionId: output.id, start, end, label }]);
    sel?.removeAllRanges();
  };
  return (
    <div className="space-y-2">
      {outputs.map((o) => (
        <pre key={o.id} ref={(el) => void (el ? refs.current.set(o.id, el) : refs.current.delete(o.id))} data-testid={`span-text-${q.id}-${o.label}`} tabIndex={0} className="whitespace-pre-wrap rounded bg-slate-50 p-2 text-xs dark:bg-slate-800">
          {o.text}
        </pre>
      ))}
      <div
        className="flex flex-wrap gap-2"
        onKeyDown={(e) => {
          const i = Number(e.key) - 1;
          if (e.key.length === 1 && i >= 0 && i < q.labels.length) {
            e.preventDefault();
            mark(q.labels[i]);
          }
        }}
      >
        {q.labels.map((l, i) => (
          <button key={l} type="button" data-testid={`span-mark-${q.id}-${i + 1}`} onMouseDown={(e) => e.preventDefault()} onClick={() => mark(l)} className={chip(false)}>
            <kbd className="me-1 text-xs opacity-60">{i + 1}</kbd>
            {l}
          </button>
        ))}
      </div>
      {problem && <p className="text-xs text-amber-700 dark:text-amber-300">{problem}</p>}
      <ul className="space-y-1 text-xs" data-testid={`spans-${q.id}`}>
        {spans.map((s, i) => {
          const o = outputs.find((x) => x.id === s.completionId);
          return (
            <li key={`${s.completionId}-${s.start}-${s.end}-${s.label}`} className="flex items-center gap-2">
              <span>
                {o?.label}: “{o?.text.slice(s.start, s.end)}” — {s.label}
              </span>
              <button type="button" onClick={() => set(spans.filter((_, j) => j !== i))} className="text-red-600 underline">
                {t("remove")}

              </button>
            </li>
          );
        })}
      </ul>
    </div>
  );
}

const chip = (on: boolean) =>
  `rounded border px-2 py-0.5 text-xs ${on ? "border-indigo-600 bg-indigo-600 text-white" : "border-slate-300 hover:bg-slate-100 dark:border-slate-700 dark:hover:bg-slate-800"}`;
