// zod inputs for a project's task form (questions) and the answers a ranking carries; shape only: lib/questions checks answers against the form.
import { z } from "zod";
import type { Question } from "@/db/schema/questions";

export const MAX_QUESTIONS = 20;
const name = (what: string, max: number) => z.string({ error: `${what} must be text` }).trim().min(1, `${what} is required`).max(max, `${what} is at most ${max} characters`);
const questionId = z
  .string({ error: "Question id must be text" })
  .regex(/^[a-z0-9]+(?:-[a-z0-9]+)*$/, "Question id uses lowercase letters, digits and single dashes (e.g. helpfulness)")
  .max(40, "Question id is at most 40 characters");
const choices = (what: string) =>
  z
    .array(name(what, 100), { error: `${what}s must be a list` })
    .min(1, `Give at least one ${what.toLowerCase()}`)
    .max(30, `At most 30 ${what.toLowerCase()}s`)
    .refine((l) => new Set(l).size === l.length, `${what}s must be unique`);

const base = {
  id: questionId,
  title: name("Title", 200),
  guidelines: z.string({ error: "Guidelines must be text" }).max(20_000, "Guidelines are at most 20,000 characters").optional(),
  required: z.boolean({ error: "required must be true or false" }).default(true),
};
const criterion = z.object({ name: name("Criterion name", 60), description: z.string().max(2000, "A criterion's description is at most 2000 characters").optional() }).strict();

export const questionInput = z.discriminatedUnion(
  "type",
  [
    z.object({ ...base, type: z.literal("ranking") }).strict(),
    z.object({ ...base, type: z.literal("pairwise") }).strict(),
    z
      .object({
        ...base,
        type: z.literal("rating"),
        min: z.number({ error: "min must be a number" }).int("min must be a whole number").min(-10, "min is at least -10").max(10, "min is at most 10"),
        max: z.number({ error: "max must be a number" }).int("max must be a whole number").min(-10, "max is at least -10").max(10, "max is at most 10"),
        criteria: z
          .array(criterion, { error: "criteria must be a list" })
          .min(1, "Give at least one criterion")
          .max(10, "At most 10 criteria")
          .refine((l) => new Set(l.map((c) => c.name)).size === l.length, "Criterion names must be unique"),
      })
      .strict()
      .refine((q) => q.max > q.min, { message: "max must be above min", path: ["max"] }),
    z.object({ ...base, type: z.literal("label"), options: choices("Option"), multiple: z.boolean({ error: "multiple must be true or false" }).default(false) }).strict(),
    z.object({ ...base, type: z.literal("text"), maxLength: z.number().int().min(1).max(10_000, "maxLength is at most 10,000").default(5000) }).strict(),
    z.object({ ...base, type: z.literal("span"), labels: choices("Label") }).strict(),
  ],
  { error: "type must be one of ranking, pairwise, rating, label, text, span" },
);

/** A task form: a list, or its JSON text (the form's textarea, the CLI's file); ids unique, at most one ranking and one pairwise question. */
export const questionsInput = z.preprocess(
  (v) => {
    if (typeof v !== "string") return v;
    if (v.trim() === "") return undefined;
    try {
      return JSON.parse(v) as unknown;
    } catch {
      return v;
    }
  },
  z
    .array(questionInput, { error: "Questions must be a JSON list of questions" })
    .min(1, "Give at least one question")
    .max(MAX_QUESTIONS, `At most ${MAX_QUESTIONS} questions`)
    .superRefine((list, ctx) => {
      const twice = list.find((q, i) => list.findIndex((o) => o.id === q.id) !== i);
      if (twice) ctx.addIssue({ code: "custom", message: `Question id "${twice.id}" is used twice` });
      for (const type of ["ranking", "pairwise"] as const) {
        if (list.filter((q) => q.type === type).length > 1) ctx.addIssue({ code: "custom", message: `At most one ${type} question` });
      }
    })
    .optional(),
);

/** The form of a project that never composed one: today's ranking. */
export const defaultQuestions: Question[] = [{ id: "ranking", type: "ranking", title: "Rank the outputs, best first", required: true }];

const id = z.uuid({ message: "Must be an id" });
const label = z.string().max(100, "A label is at most 100 characters");
/** Answers by question id; each answer's shape is one of the types', checked against the project's questions by lib/questions. */
export const answersShape = z
  .record(
    questionId,
    z.union(
      [
        z.object({ a: id, b: id, strength: z.union([z.literal(-2), z.literal(-1), z.literal(0), z.literal(1), z.literal(2)], { error: "strength is -2, -1, 0, 1 or 2" }) }).strict(),
        z.array(label).max(30),
        z.string().max(10_000, "A text answer is at most 10,000 characters"),
        z.array(z.object({ completionId: id, start: z.number().int().min(0), end: z.number().int().min(0), label }).strict()).max(200, "At most 200 spans"),
        z.record(id, z.record(z.string().max(60), z.number().finite())),
      ],
      { error: "Answer does not have the shape of any question type" },
    ),
  )
  .refine((r) => Object.keys(r).length <= MAX_QUESTIONS, `At most ${MAX_QUESTIONS} answers`);
export const answersInput = answersShape.default({});
