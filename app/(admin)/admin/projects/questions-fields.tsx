// The project's task form as JSON, with buttons that add each question type and a live preview of what annotators see.
"use client";
import { useMemo, useState } from "react";
import { Field, inputClass } from "@/app/_components/form";
import { QuestionsPanel } from "@/app/(annotate)/annotate/[slug]/rank/questions-panel";
import type { Answers, Question } from "@/db/schema/questions";
import type { FieldErrors } from "@/lib/errors";
import { questionsInput } from "@/lib/validation/questions";

const templates: Record<Exclude<Question["type"], "ranking">, Question> = {
  rating: { id: "quality", type: "rating", title: "Rate each output", required: true, min: 1, max: 5, criteria: [{ name: "helpfulness", description: "Does it do what was asked?" }, { name: "honesty" }, { name: "harmlessness" }, { name: "instruction-following" }] },
  pairwise: { id: "strength", type: "pairwise", title: "How much better is A than B?", required: false },
  label: { id: "topic", type: "label", title: "Task type", required: false, options: ["open QA", "coding"], multiple: false },
  text: { id: "critique", type: "text", title: "Critique", required: false, maxLength: 5000 },
  span: { id: "errors", type: "span", title: "Mark problems in the outputs", required: false, labels: ["factual error", "unsafe", "PII"] },
};
const preview = [
  { id: "preview-a", label: "A", text: "Paris is the capital of France." },
  { id: "preview-b", label: "B", text: "Lyon is the capital of France." },
];

export function QuestionsFields({ initial, fieldErrors }: { initial: Question[] | undefined; fieldErrors: FieldErrors }) {
  const [text, setText] = useState(() => (initial?.length ? JSON.stringify(initial, null, 2) : ""));
  const [answers, setAnswers] = useState<Answers>({});
  // Editing a project that has a form: an explicit box drops it (a blank box leaves the form as it is).
  const [reset, setReset] = useState(false);
  const parsed = useMemo(() => questionsInput.safeParse(text), [text]);
  const list: Question[] = parsed.success ? (parsed.data ?? []) : [];
  const add = (type: keyof typeof templates) => {
    const current: Question[] = parsed.success && parsed.data ? parsed.data : [{ id: "ranking", type: "ranking", title: "Rank the outputs, best first", required: true }];
    let id = templates[type].id;
    for (let i = 2; current.some((q) => q.id === id); i++) id = `${templates[type].id}-${i}`;
    setText(JSON.stringify([...current, { ...templates[type], id }], null, 2));
  };
  const errorsHere = Object.entries(fieldErrors).filter(([k]) => k === "questions" || k.startsWith("questions."));
  return (
    <div className="space-y-2" data-testid="questions-composer">
      <div className="flex flex-wrap items-center gap-2">
        <span className="text-xs text-slate-600 dark:text-slate-400">Add a question:</span>
        {(Object.keys(templates) as Array<keyof typeof templates>).map((t) => (
          <button key={t} type="button" data-testid={`add-question-${t}`} onClick={() => add(t)} className="rounded border border-slate-300 px-2 py-0.5 text-xs dark:border-slate-700">
            + {t}
          </button>
        ))}
      </div>
      <Field
        label={`Task form: questions as JSON (README “Question types”; ${initial?.length ? "blank leaves the form as it is" : "blank: ranking only"})`}
        name="questions"
        error={errorsHere.length ? errorsHere.map(([k, v]) => `${k}: ${v.join(" ")}`) : undefined}
      >
        <textarea name="questions" data-testid="field-questions" rows={10} value={text} disabled={reset} onChange={(e) => setText(e.target.value)} className={`${inputClass} font-mono text-xs disabled:opacity-50`} />
      </Field>
      {initial?.length ? (
        <label className="flex items-center gap-2 text-xs">
          <input type="checkbox" name="questionsReset" value="true" data-testid="field-questions-reset" checked={reset} onChange={(e) => setReset(e.target.checked)} />
          Reset the task form to ranking only (drops these questions; answers already given stay on their rankings)
        </label>
      ) : null}
      {fieldErrors.questionsReset && <p className="text-xs text-red-700 dark:text-red-300">{fieldErrors.questionsReset.join(" ")}</p>}
      {!parsed.success && text.trim() !== "" && (
        <p data-testid="questions-invalid" className="text-xs text-amber-700 dark:text-amber-300">
          {parsed.error.issues.map((i) => `${["questions", ...i.path].join(".")}: ${i.message}`).join("; ")}
        </p>
      )}
      {list.length > 0 && (
        <details open data-testid="questions-preview" className="rounded border border-dashed border-slate-300 p-2 dark:border-slate-700">
          <summary className="cursor-pointer text-xs">Preview (two sample outputs)</summary>
          <QuestionsPanel questions={list} outputs={preview} answers={answers} set={(id, v) => setAnswers((a) => (v === undefined ? Object.fromEntries(Object.entries(a).filter(([k]) => k !== id)) : { ...a, [id]: v }))} fieldErrors={{}} />
        </details>
      )}
    </div>
  );
}
