// The project's task form as JSON, with buttons that add each question type and a live preview of what annotators see.
"use client";
import { useMemo, useState } from "react";
import { useTranslations } from "next-intl";
import { Field, inputClass } from "@/app/_components/form";
import { QuestionsPanel } from "@/app/(annotate)/annotate/[slug]/rank/questions-panel";
import type { Answers, Question } from "@/db/schema/questions";
import type { FieldErrors } from "@/lib/errors";
import { questionsInput } from "@/lib/validation/questions";

type Translate = ReturnType<typeof useTranslations<"admin.questions">>;
type TemplateType = Exclude<Question["type"], "ranking">;
const templateTypes: TemplateType[] = ["rating", "pairwise", "label", "text", "span"];

/** The question each button adds, its titles in the admin's language (the ids, criteria names and options stay as written). */
function template(t: Translate, type: TemplateType): Question {
  switch (type) {
    case "rating":
      return { id: "quality", type: "rating", title: t("templates.rating"), required: true, min: 1, max: 5, criteria: [{ name: "helpfulness", description: t("templates.helpfulness") }, { name: "honesty" }, { name: "harmlessness" }, { name: "instruction-following" }] };
    case "pairwise":
      return { id: "strength", type: "pairwise", title: t("templates.pairwise"), required: false };
    case "label":
      return { id: "topic", type: "label", title: t("templates.label"), required: false, options: ["open QA", "coding"], multiple: false };
    case "text":
      return { id: "critique", type: "text", title: t("templates.text"), required: false, maxLength: 5000 };
    case "span":
      return { id: "errors", type: "span", title: t("templates.span"), required: false, labels: ["factual error", "unsafe", "PII"] };
  }
}

export function QuestionsFields({ initial, fieldErrors }: { initial: Question[] | undefined; fieldErrors: FieldErrors }) {
  const t = useTranslations("admin.questions");
  const preview = [
    { id: "preview-a", label: "A", text: t("templates.previewA") },
    { id: "preview-b", label: "B", text: t("templates.previewB") },
  ];
  const [text, setText] = useState(() => (initial?.length ? JSON.stringify(initial, null, 2) : ""));
  const [answers, setAnswers] = useState<Answers>({});
  // Editing a project that has a form: an explicit box drops it (a blank box leaves the form as it is).
  const [reset, setReset] = useState(false);
  const parsed = useMemo(() => questionsInput.safeParse(text), [text]);
  const list: Question[] = parsed.success ? (parsed.data ?? []) : [];
  const add = (type: TemplateType) => {
    const current: Question[] = parsed.success && parsed.data ? parsed.data : [{ id: "ranking", type: "ranking", title: t("templates.ranking"), required: true }];
    const q = template(t, type);
    let id = q.id;
    for (let i = 2; current.some((c) => c.id === id); i++) id = `${q.id}-${i}`;
    setText(JSON.stringify([...current, { ...q, id }], null, 2));
  };
  const errorsHere = Object.entries(fieldErrors).filter(([k]) => k === "questions" || k.startsWith("questions."));
  return (
    <div className="space-y-2" data-testid="questions-composer">
      <div className="flex flex-wrap items-center gap-2">
        <span className="text-xs text-slate-600 dark:text-slate-400">{t("add")}</span>
        {templateTypes.map((type) => (
          <button key={type} type="button" data-testid={`add-question-${type}`} onClick={() => add(type)} className="rounded border border-slate-300 px-2 py-0.5 text-xs dark:border-slate-700">
            + {type}
          </button>
        ))}
      </div>
      <Field
        label={t("label", { hasForm: initial?.length ? "yes" : "no" })}
        name="questions"
        error={errorsHere.length ? errorsHere.map(([k, v]) => `${k}: ${v.join(" ")}`) : undefined}
      >
        <textarea name="questions" data-testid="field-questions" rows={10} value={text} disabled={reset} onChange={(e) => setText(e.target.value)} className={`${inputClass} font-mono text-xs disabled:opacity-50`} />
      </Field>
      {initial?.length ? (
        <label className="flex items-center gap-2 text-xs">
          <input type="checkbox" name="questionsReset" value="true" data-testid="field-questions-reset" checked={reset} onChange={(e) => setReset(e.target.checked)} />
          {t("reset")}
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
          <summary className="cursor-pointer text-xs">{t("preview")}</summary>
          <QuestionsPanel questions={list} outputs={preview} answers={answers} set={(id, v) => setAnswers((a) => (v === undefined ? Object.fromEntries(Object.entries(a).filter(([k]) => k !== id)) : { ...a, [id]: v }))} fieldErrors={{}} />
        </details>
      )}
    </div>
  );
}
