// Answers checked against a project's questions and the outputs shown: each problem names its field (answers.<question id>…).
import type { Answer, Answers, PairwiseAnswer, Question, RatingAnswer, SpanAnswer } from "@/db/schema/questions";
import { defaultQuestions } from "@/lib/validation/questions";

export type ShownOutput = { id: string; text: string };

/** A project's form: its questions, or today's one ranking question. */
export function questionsOf(settings: { questions?: Question[] }): Question[] {
  return settings.questions?.length ? settings.questions : defaultQuestions;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);
const isHigh = (c: number) => c >= 0xd800 && c <= 0xdbff;
const isLow = (c: number) => c >= 0xdc00 && c <= 0xdfff;
/** An offset between a high and a low surrogate splits one character in two. */
function splitsSurrogatePair(text: string, offset: number): boolean {
  return offset > 0 && offset < text.length && isHigh(text.charCodeAt(offset - 1)) && isLow(text.charCodeAt(offset));
}

function checkOne(q: Question, a: Answer, shown: ShownOutput[], submit: boolean): string | null {
  const ids = new Set(shown.map((o) => o.id));
  switch (q.type) {
    case "ranking":
      return "A ranking question is answered by the order itself";
    case "pairwise": {
      if (!isObject(a) || !("strength" in a)) return "Expected {a, b, strength}";
      const p = a as PairwiseAnswer;
      if (!ids.has(p.a) || !ids.has(p.b) || p.a === p.b) return "A and B must be two different outputs shown";
      return null;
    }
    case "rating": {
      if (!isObject(a) || "strength" in a) return "Expected ratings by output and criterion";
      const r: RatingAnswer = a;
      for (const [cid, byCriterion] of Object.entries(r)) {
        if (!ids.has(cid)) return "A rating names an output that was not shown";
        for (const [criterion, v] of Object.entries(byCriterion)) {
          if (!q.criteria.some((c) => c.name === criterion)) return `Unknown criterion "${criterion.slice(0, 60)}"`;
          if (!Number.isInteger(v) || v < q.min || v > q.max) return `${criterion}: a rating is a whole number from ${q.min} to ${q.max}`;
        }
      }
      if (submit && q.required) {
        for (const o of shown) for (const c of q.criteria) if (r[o.id]?.[c.name] === undefined) return `Rate every output on ${c.name}`;
      }
      return null;
    }
    case "label": {
      if (!Array.isArray(a) || a.some((x) => typeof x !== "string")) return "Expected a list of labels";
      const labels = a as string[];
      const bad = labels.find((l) => !q.options.includes(l));
      if (bad !== undefined) return `"${bad.slice(0, 60)}" is not one of the options`;
      if (new Set(labels).size !== labels.length) return "A label is chosen twice";
      if (!q.multiple && labels.length > 1) return "Choose one label";
      if (submit && q.required && labels.length === 0) return "Choose a label";
      return null;
    }
    case "text": {
      if (typeof a !== "string") return "Expected text";
      if (a.length > q.maxLength) return `At most ${q.maxLength} characters`;
      if (submit && q.required && a.trim() === "") return "This answer is required";
      return null;
    }
    case "span": {
      if (!Array.isArray(a) || a.some((x) => !isObject(x))) return "Expected a list of spans";
      for (const s of a as SpanAnswer[]) {
        const output = shown.find((o) => o.id === s.completionId);
        if (!output) return "A span names an output that was not shown";
        if (!q.labels.includes(s.label)) return `"${s.label.slice(0, 60)}" is not one of the span labels`;
        if (s.start >= s.end || s.end > output.text.length) return `A span must lie inside the output (0–${output.text.length}) and not be empty`;
        if (splitsSurrogatePair(output.text, s.start) || splitsSurrogatePair(output.text, s.end)) return "A span cannot split a character (surrogate pair)";
      }
      if (submit && q.required && (a as SpanAnswer[]).length === 0) return "Mark at least one span";
      return null;
    }
  }
}

/**
 * Field errors for answers that do not fit the form: an unknown question, a wrong shape, a rating out of range, a label
 * not in the list, a span outside its output or splitting a surrogate pair. `submit`: required questions must be answered
 * (a draft may be partial). Empty when the answers fit.
 */
export function answerErrors(questions: Question[], answers: Answers, shown: ShownOutput[], opts: { submit: boolean; field?: string }): Record<string, string[]> {
  const field = opts.field ?? "answers";
  const errors: Record<string, string[]> = {};
  for (const [qid, a] of Object.entries(answers)) {
    const q = questions.find((x) => x.id === qid);
    const problem = q ? checkOne(q, a, shown, opts.submit) : "This project has no such question";
    if (problem) errors[`${field}.${qid}`] = [problem];
  }
  if (opts.submit) {
    for (const q of questions) {
      if (q.required && q.type !== "ranking" && answers[q.id] === undefined) errors[`${field}.${q.id}`] = ["This answer is required"];
    }
  }
  return errors;
}

/** JSON with every object's keys sorted: jsonb keeps its own key order, so stored and sent answers compare by this. */
export function stableJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(stableJson).join(",")}]`;
  if (isObject(v)) return `{${Object.keys(v).sort().map((k) => `${JSON.stringify(k)}:${stableJson(v[k])}`).join(",")}}`;
  return JSON.stringify(v);
}

/** Answers in the form's order, with the questions the form no longer has left out. */
export function canonicalAnswers(questions: Question[], answers: Answers): Answers {
  const out: Answers = {};
  for (const q of questions) if (answers[q.id] !== undefined) out[q.id] = answers[q.id];
  return out;
}
