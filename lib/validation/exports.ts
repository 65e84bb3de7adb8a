// zod inputs for export snapshots.
import { z } from "zod";
import { languageCodeInput } from "@/lib/languages/codes";
import { MAX_QUESTIONS, questionInput } from "./questions";

/** Forms and CLI flags send "true"/"false" strings; z.coerce.boolean would read "false" as true. */
const flag = z.preprocess((v) => (v === "false" || v === "0" ? false : v === "true" || v === "1" ? true : v), z.boolean());

export const pairingPolicyInput = z.enum(["all", "best-vs-rest", "adjacent"], { message: "Pairing must be all, best-vs-rest or adjacent" });
export const exportFormatInput = z.enum(["trl", "openai", "alpaca"], { message: "Format must be trl, openai or alpaca" });

const categoryName = z.string().min(1).max(100, "A category is at most 100 characters");
/** "coding=100, chat=2" (a form field or CLI flag) as { coding: 100, chat: 2 }; an object passes through; "" is none. */
const categoryNumbers = (v: unknown) => {
  if (typeof v !== "string") return v;
  if (!v.trim()) return undefined;
  return Object.fromEntries(
    v
      .split(/[,\n]/)
      .filter((e) => e.trim())
      .map((e) => [e.slice(0, e.lastIndexOf("=")).trim() || e.trim(), e.includes("=") ? Number(e.slice(e.lastIndexOf("=") + 1)) : Number.NaN]),
  );
};
const nameList = (v: unknown) => (typeof v === "string" ? (v.trim() ? v.split(/[\s,]+/).filter((e) => e.length > 0) : undefined) : v);
const templateName = z.string().regex(/^[A-Za-z0-9._-]{1,40}$/, "A template name is 1–40 letters, digits, dots, dashes or underscores");

export const exportOptionsInput = z
  .object({
    pairing: pairingPolicyInput.default("all"),
    evalFraction: z.coerce.number().min(0, "At least 0").max(0.5, "At most 0.5").default(0.05),
    nearDuplicateThreshold: z.coerce.number().min(0.5, "At least 0.5").max(1, "At most 1").default(0.8),
    includeImported: flag.default(true),
    minMargin: z.coerce.number().min(0).max(100).default(0),
    includeBestModelCompletion: flag.default(false),
    minBestMargin: z.coerce.number().min(0).max(100).default(1),
    formats: z.array(exportFormatInput).min(1, "Pick at least one format").default(["trl"]),
    licence: z.string().max(200).default("unspecified"),
    /** at most this many prompts per category (first by id); "(none)" names prompts without one */
    categoryCaps: z.preprocess(categoryNumbers, z.record(categoryName, z.number({ error: "A category cap must be a number" }).int("A category cap is a whole number").min(0, "A category cap is at least 0")).optional()),
    /** train-split copies per prompt of a category (0–10; fractions keep a stable share) */
    categoryWeights: z.preprocess(categoryNumbers, z.record(categoryName, z.number({ error: "A category weight must be a number" }).min(0, "A category weight is between 0 and 10").max(10, "A category weight is between 0 and 10")).optional()),
    /** the project's instruction templates to render each example under (by name) */
    templates: z.preprocess(nameList, z.array(templateName).max(20, "At most 20 templates").optional()),
    /** the templates' texts as of the snapshot (filled in from the project; a re-export renders the same bytes) */
    templateTexts: z.record(templateName, z.string().max(2000)).optional(),
    /** KTO rows from ratings: a completion whose mean rating is at least this is desirable, below it undesirable (absent: none) */
    ktoThreshold: z.coerce.number({ error: "ktoThreshold must be a number" }).min(-10, "ktoThreshold is between -10 and 10").max(10, "ktoThreshold is between -10 and 10").optional(),
    /** only prompts in this language (ISO 639-1, prompts.language); absent: every language, undetermined included */
    language: languageCodeInput.optional(),
    /** the project's questions as of the snapshot (filled in from the project when it has composed a form; a re-export reads the same answers the same way) */
    questions: z.array(questionInput).max(MAX_QUESTIONS).optional(),
  })
  .strict();
export type ExportOptions = z.infer<typeof exportOptionsInput>;

export const createExportInput = z
  .object({
    projectSlug: z.string().min(1).max(64),
    options: exportOptionsInput.default(exportOptionsInput.parse({})),
    /** a folder to write into (CLI); the app writes under the data folder */
    out: z.string().min(1).max(1000).optional(),
  })
  .strict();
export type CreateExportInput = z.infer<typeof createExportInput>;

/** Write an existing snapshot again (same cutoff and options) into `out`. */
export const reexportSnapshotInput = z.object({ projectSlug: z.string().min(1).max(64), id: z.string().min(1).max(64), out: z.string().min(1).max(1000) }).strict();
export type ReexportSnapshotInput = z.infer<typeof reexportSnapshotInput>;
