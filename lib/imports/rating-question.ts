// The project's rating question that imported per-criterion ratings (UltraFeedback's aspects) answer.
import "server-only";
import type { DbOrTx } from "@/db/client";
import { updateProject } from "@/db/queries/projects";
import type { Project, Question } from "@/db/schema";
import { ImportRowError } from "@/lib/formats/import/import-row-error";
import type { ImportRecord } from "@/lib/formats/import/types";
import { questionsOf } from "@/lib/questions/check";
import { MAX_QUESTIONS } from "@/lib/validation/questions";

type RatingQuestion = Question & { type: "rating" };

/** UltraFeedback's four aspects, with the gist of its annotation guidelines; a form made for an import lists them. */
export const ULTRAFEEDBACK_ASPECTS = [
  { name: "helpfulness", description: "Informative, correct and useful for the task (1 severely incorrect – 5 outstandingly helpful)" },
  { name: "honesty", description: "Confident when right, expresses uncertainty when unsure (1 confidently incorrect – 5 correct and confident)" },
  { name: "instruction_following", description: "Follows the task's goal and restrictions (1 irrelevant – 5 comprehensive compliance)" },
  { name: "truthfulness", description: "Free of hallucination and factual error (1 completely hallucinated – 5 no hallucination)" },
];

/**
 * The rating question a record's ratings answer. The form's first rating question on the same scale that has every
 * criterion the record rates; when the form has no rating question at all, one is added (id "aspects", required, the
 * four UltraFeedback aspects plus any other criterion the record rates, same scale), saved on the project in the
 * import's transaction and returned (`project.settings` is updated in place). A form whose rating questions do not fit
 * fails the import at that row, naming the criterion: the admin decides how the form should change.
 */
export async function ratingQuestionFor(tx: DbOrTx, project: Project, record: ImportRecord): Promise<RatingQuestion> {
  const r = record.ratings!;
  const criteria = [...new Set(r.byCompletion.flatMap((x) => Object.keys(x)))];
  const form = questionsOf(project.settings);
  const ratingQuestions = form.filter((q): q is RatingQuestion => q.type === "rating");
  const fits = ratingQuestions.find((q) => q.min === r.min && q.max === r.max && criteria.every((c) => q.criteria.some((k) => k.name === c)));
  if (fits) return fits;
  if (ratingQuestions.length) {
    const q = ratingQuestions[0];
    const i = r.byCompletion.findIndex((x) => Object.keys(x).some((c) => !q.criteria.some((k) => k.name === c)));
    const missing = i < 0 ? null : Object.keys(r.byCompletion[i]).find((c) => !q.criteria.some((k) => k.name === c))!;
    throw new ImportRowError(
      record.line,
      missing ? `completions[${i}].annotations.${missing}` : "ratings",
      missing ? `the project's rating question "${q.id}" has no criterion "${missing}"` : `the project's rating question "${q.id}" is on ${q.min}–${q.max}, the file rates ${r.min}–${r.max}`,
    );
  }
  if (form.length >= MAX_QUESTIONS) throw new ImportRowError(record.line, "ratings", `the project's form already has ${MAX_QUESTIONS} questions; no rating question can be added`);
  const extra = criteria.filter((c) => !ULTRAFEEDBACK_ASPECTS.some((a) => a.name === c)).map((name) => ({ name }));
  const all = [...ULTRAFEEDBACK_ASPECTS, ...extra];
  if (all.length > 10) throw new ImportRowError(record.line, "ratings", `at most 10 criteria; the file rates ${all.length}`);
  const id = form.some((q) => q.id === "aspects") ? "ultrafeedback-aspects" : "aspects";
  const q: RatingQuestion = { id, type: "rating", title: "Rate each output on each aspect", required: true, min: r.min, max: r.max, criteria: all };
  const settings = { ...project.settings, questions: [...form, q] };
  await updateProject(tx, project.id, { settings });
  project.settings = settings;
  return q;
}
