// zod inputs for projects: slug, name, guidelines, task categories and settings, shared by forms, actions, API and CLI.
import { z } from "zod";
import type { ProjectSettings } from "@/db/schema";
import { launcherInput } from "./launchers";
import { questionsInput } from "./questions";
import { MAX_QUEUE_BATCHES, queueEntryPattern } from "@/lib/rankings/queue-policy";

/** The task categories of FLAN and Dolly, offered to every new project unless it names its own. */
export const defaultCategories = [
  "open QA",
  "closed QA",
  "brainstorming",
  "classification",
  "summarization",
  "information extraction",
  "rewriting",
  "creative writing",
  "coding",
  "math and reasoning",
  "chat",
] as const;

export const defaultProjectSettings: ProjectSettings = {
  k: 4,
  overlap: 3,
  agreementThreshold: 0.5,
  goldRate: 0.1,
  reviseHours: 24,
  leaseMinutes: 30,
  temperature: 0.8,
  topP: 0.95,
  maxNewTokens: 128,
  tooFastSeconds: 4,
};

/** The sampling settings of a project, with the defaults for projects made before they existed. */
export function samplingOf(settings: ProjectSettings): { temperature: number; topP: number; maxTokens: number } {
  return {
    temperature: settings.temperature ?? defaultProjectSettings.temperature!,
    topP: settings.topP ?? defaultProjectSettings.topP!,
    maxTokens: settings.maxNewTokens ?? defaultProjectSettings.maxNewTokens!,
  };
}

export const slugInput = z
  .string({ error: "Slug is required" })
  .trim()
  .min(1, "Slug is required")
  .max(64, "Slug is at most 64 characters")
  .regex(/^[a-z0-9]+(?:-[a-z0-9]+)*$/, "Slug uses lowercase letters, digits and single dashes (e.g. helpful-qa)");

const nameInput = z.string({ error: "Name is required" }).trim().min(1, "Name is required").max(200, "Name is at most 200 characters");
const guidelinesInput = z.string({ error: "Guidelines must be text" }).max(100_000, "Guidelines are at most 100,000 characters");

/** A list, or one string split on commas and newlines (the form's textarea); blanks dropped, duplicates refused. */
const categoriesInput = z.preprocess(
  (v) => (typeof v === "string" ? v.split(/[,\n]/) : v),
  z
    .array(z.string({ error: "Each category must be text" }).trim().max(100, "A category is at most 100 characters"), { error: "Categories must be a list" })
    .transform((list) => list.filter((c) => c.length > 0))
    .pipe(
      z
        .array(z.string())
        .min(1, "Give at least one category")
        .max(50, "At most 50 categories")
        .refine((list) => new Set(list.map((c) => c.toLowerCase())).size === list.length, "Categories must be unique"),
    ),
);

/** Form fields and CLI flags arrive as strings: "" means not given, anything else must read as a number. */
function numberField(label: string, schema: z.ZodNumber) {
  return z.preprocess(
    (v) => (v === "" || v === null ? undefined : typeof v === "string" ? Number(v.trim()) : v),
    schema.refine(Number.isFinite, `${label} must be a number`).optional(),
  );
}

const intRange = (label: string, min: number, max: number) =>
  numberField(label, z.number({ error: `${label} must be a number` }).int(`${label} must be a whole number`).min(min, `${label} is at least ${min}`).max(max, `${label} is at most ${max}`));
const fraction = (label: string) =>
  numberField(label, z.number({ error: `${label} must be a number` }).min(0, `${label} is between 0 and 1`).max(1, `${label} is between 0 and 1`));

/** Tiers and batches in next-task order: a list, or one string split on commas, spaces and newlines; "" is the default order. */
const queueOrderInput = z.preprocess(
  (v) => (typeof v === "string" ? v.split(/[\s,]+/).filter((e) => e.length > 0) : v),
  z
    .array(z.string({ error: "Each queue entry must be text" }), { error: "Queue order must be a list" })
    .superRefine((list, ctx) => {
      const bad = list.find((e) => !queueEntryPattern.test(e));
      if (bad !== undefined) ctx.addIssue({ code: "custom", message: `Queue order: "${bad.slice(0, 80)}" is not gate, active, routing, backlog, version:<label> or import:<id>` });
      const twice = list.find((e, i) => list.indexOf(e) !== i);
      if (twice !== undefined) ctx.addIssue({ code: "custom", message: `Queue order names "${twice}" twice` });
      if (list.filter((e) => e.includes(":")).length > MAX_QUEUE_BATCHES) ctx.addIssue({ code: "custom", message: `Queue order names at most ${MAX_QUEUE_BATCHES} batches` });
    })
    .optional(),
);

/** A checkbox or flag: true/false (also on/off, yes/no, 1/0); "" means not given. */
const flagInput = (label: string) =>
  z.preprocess((v) => {
    if (v === "" || v === null) return undefined;
    if (typeof v !== "string") return v;
    const t = v.trim().toLowerCase();
    return ["true", "on", "yes", "1"].includes(t) ? true : ["false", "off", "no", "0"].includes(t) ? false : v;
  }, z.boolean({ error: `${label} must be true or false` }).optional());

/** Category targets: an object, or "category = share" per line (the form); shares in [0, 1] that sum to 1. */
const categoryTargetsInput = z.preprocess(
  (v) => {
    if (typeof v !== "string") return v;
    // An emptied field clears the targets (the project form does not send it at all).
    if (!v.trim()) return {};
    const out: Record<string, unknown> = {};
    for (const line of v.split(/\n/).map((l) => l.trim()).filter((l) => l.length > 0)) {
      const at = line.lastIndexOf("=");
      if (at < 0) return { [line]: "?" };
      const share = line.slice(at + 1).trim();
      out[line.slice(0, at).trim()] = share.endsWith("%") ? Number(share.slice(0, -1)) / 100 : Number(share);
    }
    return out;
  },
  z
    .record(z.string().max(100, "A category is at most 100 characters"), z.number({ error: "Each category target must be a number" }), { error: "Category targets must be category = share lines" })
    .superRefine((targets, ctx) => {
      const entries = Object.entries(targets);
      if (entries.length > 50) ctx.addIssue({ code: "custom", message: "Category targets name at most 50 categories" });
      const bad = entries.find(([, n]) => !Number.isFinite(n) || n < 0 || n > 1);
      if (bad) return ctx.addIssue({ code: "custom", message: `Category target for "${bad[0].slice(0, 80)}" must be a share between 0 and 1 (or a percentage)` });
      const sum = entries.reduce((a, [, n]) => a + n, 0);
      if (entries.length && Math.abs(sum - 1) > 0.001) ctx.addIssue({ code: "custom", message: `Category targets must sum to 1 (100%); they sum to ${Math.round(sum * 1000) / 1000}` });
    })
    .optional(),
);

/** Import batches (audit-log ids) that hold the seed tasks: a list, or one string of ids. */
const seedImportsInput = z.preprocess(
  (v) => (typeof v === "string" ? v.split(/[\s,]+/).filter((e) => e.length > 0).map((e) => (/^\d+$/.test(e) ? Number(e) : e)) : v),
  z
    .array(z.number({ error: "Seed imports are import ids (numbers)" }).int("Seed imports are import ids (whole numbers)").positive("Seed imports are import ids (positive)"), { error: "Seed imports must be a list of import ids" })
    .max(20, "At most 20 seed imports")
    .optional(),
);

export const templatePlaceholders = ["instruction", "input"] as const;
/** Each template: a name (letters, digits, - _ .) and text whose placeholders are {instruction} and {input} only; {instruction} is required. */
const instructionTemplatesInput = z.preprocess(
  (v) => {
    if (typeof v !== "string") return v;
    if (!v.trim()) return {};
    try {
      return JSON.parse(v) as unknown;
    } catch {
      return "not json";
    }
  },
  z
    .record(z.string(), z.string({ error: "Each template must be text" }), { error: 'Instruction templates must be a JSON object of name → template, e.g. {"plain": "{instruction}\\n\\n{input}"}' })
    .superRefine((templates, ctx) => {
      const entries = Object.entries(templates);
      if (entries.length > 20) ctx.addIssue({ code: "custom", message: "At most 20 instruction templates" });
      for (const [name, text] of entries) {
        const label = `Template "${name.slice(0, 40)}"`;
        if (!/^[A-Za-z0-9._-]{1,40}$/.test(name)) ctx.addIssue({ code: "custom", message: `${label}: a name is 1–40 letters, digits, dots, dashes or underscores` });
        if (text.length > 2000) ctx.addIssue({ code: "custom", message: `${label} is at most 2,000 characters` });
        const unknown = [...text.matchAll(/\{([^{}]*)\}/g)].map((m) => m[1]).find((p) => !(templatePlaceholders as readonly string[]).includes(p));
        if (unknown !== undefined) ctx.addIssue({ code: "custom", message: `${label}: unknown placeholder {${unknown.slice(0, 40)}}; use {instruction} and {input}` });
        else if (!text.includes("{instruction}")) ctx.addIssue({ code: "custom", message: `${label} must contain {instruction}` });
      }
    })
    .optional(),
);

/** Settings fields sit at the top level of the input so an error names the field itself (`k`, not `settings.k`). */
const settingsShape = {
  k: intRange("k (outputs per ranking)", 2, 9),
  overlap: intRange("Overlap (rankings per prompt)", 1, 20),
  /** routing (lib/rankings/routing.ts): agreement needs two rankings, so the minimum is 2, or 1 where the reward model counts as
   *  the second (rewardAsRanking); the pair and that rule are checked in lib/rankings/routing.ts checkOverlapRange */
  minOverlap: intRange("Minimum rankings per prompt", 1, 20),
  maxOverlap: intRange("Maximum rankings per prompt", 2, 50),
  agreementThreshold: fraction("Agreement threshold"),
  goldRate: fraction("Gold rate"),
  reviseHours: intRange("Revise window (hours)", 0, 720),
  leaseMinutes: intRange("Lease (minutes)", 1, 1440),
  temperature: numberField("Temperature", z.number({ error: "Temperature must be a number" }).min(0, "Temperature is between 0 and 2").max(2, "Temperature is between 0 and 2")),
  topP: numberField("Top-p", z.number({ error: "Top-p must be a number" }).gt(0, "Top-p is above 0 and at most 1").max(1, "Top-p is above 0 and at most 1")),
  maxNewTokens: intRange("Max new tokens", 1, 2048),
  tooFastSeconds: numberField("Too-fast threshold (seconds)", z.number({ error: "Too-fast threshold must be a number" }).min(0, "Too-fast threshold is between 0 and 600 seconds").max(600, "Too-fast threshold is between 0 and 600 seconds")),
  queueOrder: queueOrderInput,
  generateOnPromote: flagInput("Generate on promote"),
  /** what routing compares with the agreement threshold (lib/rankings/consensus-state.ts): Kendall's W, or the mean pairwise confidence; "" or absent: W */
  routingSignal: z.preprocess((v) => (v === "" || v === null ? undefined : v), z.enum(["agreement", "confidence"], { error: "Routing signal must be agreement or confidence" }).optional()),
  /** routing on the reward model (lib/consensus/question-agreement.ts): |top-two margin| below this counts as low agreement */
  rewardMarginThreshold: numberField("Reward margin threshold", z.number({ error: "Reward margin threshold must be a number" }).min(0, "Reward margin threshold is between 0 and 100").max(100, "Reward margin threshold is between 0 and 100")),
  showSuggestionsAfterSubmit: flagInput("Show suggestions after submit"),
  /** the reward model's order as one more ranking in the consensus and routing (lib/rankings/consensus-state.ts) */
  rewardAsRanking: flagInput("Reward model counts as a ranking"),
  /** a launcher (lib/validation/launchers.ts), or null for the built-in trainer; errors name `launcher.argv`, `launcher.template`, … */
  launcher: launcherInput,
  /** PII at export (lib/screening/export.ts): redact hits (the default) or leave the prompt or output out */
  pii: z.preprocess((v) => (v === "" || v === null ? undefined : v), z.enum(["redact", "exclude"], { error: "PII at export must be redact or exclude" }).optional()),
  /** whether texts with an open screening wait for a reviewer before annotators see them (lib/screening/hold.ts; absent: hold) */
  screeningHold: z.preprocess((v) => (v === "" || v === null ? undefined : v), z.enum(["hold", "show"], { error: "Screening hold must be hold or show" }).optional()),
  /** the model source that screens stored texts for safety; "" or null: none */
  moderationSourceId: z.preprocess((v) => (v === "" ? null : v), z.uuid({ error: "Moderation source must be a model source id" }).nullable().optional()),
  moderationMode: z.preprocess((v) => (v === "" || v === null ? undefined : v), z.enum(["moderations", "llama-guard"], { error: "Moderation mode must be moderations or llama-guard" }).optional()),
  categoryTargets: categoryTargetsInput,
  seedImports: seedImportsInput,
  instructionTemplates: instructionTemplatesInput,
  /** the task form (lib/validation/questions.ts): a list, or its JSON text; errors name `questions.0.max`, … */
  questions: questionsInput,
};
export const settingKeys = Object.keys(settingsShape) as (keyof ProjectSettings)[];

export const createProjectInput = z
  .object({
    slug: slugInput,
    name: nameInput,
    guidelines: guidelinesInput.optional(),
    categories: categoriesInput.optional(),
    ...settingsShape,
  })
  .strict();
export type CreateProjectInput = z.infer<typeof createProjectInput>;

/**
 * Every field optional; the slug is the project's address and does not change. An absent `questions` leaves the form
 * as it is; `questionsReset` (the form's "ranking only" box, the CLI's --questions none) removes it, so the project
 * goes back to today's one ranking question.
 */
export const updateProjectInput = z
  .object({
    name: nameInput.optional(),
    guidelines: guidelinesInput.optional(),
    categories: categoriesInput.optional(),
    ...settingsShape,
    questionsReset: flagInput("Reset to ranking only"),
  })
  .strict();
export type UpdateProjectInput = z.infer<typeof updateProjectInput>;

/** The edit form's action: the slug names the project, the rest is the patch. */
export const updateProjectFormInput = updateProjectInput.extend({ slug: slugInput }).strict();

/** Settings from an input: the given fields over `base`. */
export function settingsFrom(input: { [K in keyof ProjectSettings]?: ProjectSettings[K] | undefined }, base: ProjectSettings = defaultProjectSettings): ProjectSettings {
  const out: Record<string, unknown> = { ...base };
  for (const key of settingKeys) {
    const v = input[key];
    if (v !== undefined) out[key] = v;
  }
  return out as ProjectSettings;
}
