// Projects: guidelines, task categories and the settings that drive assignment and curation.
import { jsonb, pgTable, text, timestamp, uniqueIndex, uuid } from "drizzle-orm/pg-core";
import type { Question } from "./questions";
import { users } from "./users";

export type ProjectSettings = {
  /** outputs shown per ranking task (2–9) */
  k: number;
  /** rankings wanted per prompt */
  overlap: number;
  /** routing (lib/rankings/routing.ts): a prompt whose annotators agree stops at minOverlap rankings, one whose annotators
   *  disagree gets up to maxOverlap; both absent: every prompt gets `overlap` */
  minOverlap?: number;
  maxOverlap?: number;
  /** agreement (Kendall's W) a prompt needs to count as settled, 0–1 */
  agreementThreshold: number;
  /** share of gold tasks mixed into each annotator's stream, 0–1 */
  goldRate: number;
  /** hours an annotator may revise their own ranking */
  reviseHours: number;
  /** minutes a task lease lasts before it returns to the pool */
  leaseMinutes: number;
  /** how the active model version samples fresh outputs (absent in projects made before these existed: defaults apply) */
  temperature?: number;
  topP?: number;
  maxNewTokens?: number;
  /** median seconds per ranking below which the Annotators page flags a person as too fast (absent: the default, 4) */
  tooFastSeconds?: number;
  /** next-task order: tiers and named batches, most urgent first (lib/rankings/queue-policy.ts; absent: the default policy) */
  queueOrder?: string[];
  /** promoting a version queues generation of outputs for it to rank (absent: on) */
  generateOnPromote?: boolean;
  /** routing: what a prompt's stored agreement is before the form and reward rules lower it: Kendall's W ("agreement", the default) or the
   *  mean pairwise confidence ("confidence", lib/consensus/pairwise-confidence.ts); compared with agreementThreshold either way */
  routingSignal?: "agreement" | "confidence";
  /** routing: a prompt whose top two outputs the active reward model scores closer than this counts as low agreement (absent: the reward model does not route) */
  rewardMarginThreshold?: number;
  /** the active reward model's order of a prompt's outputs counts as one more ranking in its consensus and routing signal, not in its
   *  ranking count (lib/rankings/consensus-state.ts; absent: off). With it, minOverlap may be 1: one person and the reward model */
  rewardAsRanking?: boolean;
  /** annotators see the reward model's suggested order after they submit a ranking (absent: never; reviewers always do) */
  showSuggestionsAfterSubmit?: boolean;
  /** train through this command instead of the built-in trainer (lib/launchers; absent or null: the built-in trainer) */
  launcher?: LauncherSettings | null;
  /** the task form (db/schema/questions.ts; absent: one ranking question) */
  questions?: Question[];
  /** wanted share of each category, summing to 1 (lib/diversity; absent: no targets, no steering) */
  categoryTargets?: Record<string, number>;
  /** the import batches (audit-log ids of `import.file`) whose prompts are the project's seed tasks (absent or empty: its approved prompts) */
  seedImports?: number[];
  /** FLAN-style instruction templates by name, with {instruction} and {input} placeholders (lib/exports/templates.ts) */
  instructionTemplates?: Record<string, string>;
  /** at export, text with PII hits no reviewer cleared is redacted ("[EMAIL]"…) or its prompt left out (lib/screening; absent: redact) */
  pii?: "redact" | "exclude";
  /** a text with an open screening (PII hits or a safety flag no reviewer decided) is held from annotators' tasks and lists ("hold") or shown as before ("show") (lib/screening/hold.ts; absent: hold) */
  screeningHold?: "hold" | "show";
  /** the model source (model_sources.id) that screens stored texts for safety (absent or null: no safety screening) */
  moderationSourceId?: string | null;
  /** how that source is asked: OpenAI's /moderations (absent: this) or a Llama Guard–style chat model ("safe" / "unsafe\nS1,S2") */
  moderationMode?: "moderations" | "llama-guard";
};

/** A launcher: a command (argv, never a shell string) the job runner starts for a retrain (lib/validation/launchers.ts). */
export type LauncherSettings = {
  /** the recipe it was made from (lib/launchers/recipes.ts), if any */
  template?: string;
  argv: string[];
  /** where an output the trainer cannot import is served (OpenAI-compatible); a JSON line {"endpoint": …} overrides it */
  endpoint?: string;
  /** seconds between SIGTERM and SIGKILL on cancel (absent: 30) */
  graceSeconds?: number;
};

/** How scheduled runs fine-tune: LoRA settings (absent: the whole model) and a pilot share (absent: no pilot). */
export type ScheduleFinetune = { lora?: { rank: number; alpha: number; targets: Array<"q" | "k" | "v" | "o" | "gate" | "up" | "down"> }; pilot?: number };

/** `finetune` absent (schedules saved before it existed): a scheduled run repeats the last run's choice. */
export type RetrainSchedule = { cron: string; minNewPairs: number; enabled: boolean; finetune?: ScheduleFinetune };

export const projects = pgTable(
  "projects",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    slug: text("slug").notNull(),
    name: text("name").notNull(),
    guidelines: text("guidelines").notNull().default(""),
    categories: jsonb("categories").$type<string[]>().notNull(),
    settings: jsonb("settings").$type<ProjectSettings>().notNull(),
    retrainSchedule: jsonb("retrain_schedule").$type<RetrainSchedule | null>(),
    /** the imported base model (base_models) the project's first run starts from; null: the tiny preset */
    baseModelId: uuid("base_model_id"),
    createdBy: uuid("created_by").references(() => users.id),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex("projects_slug_idx").on(t.slug)],
);
export type Project = typeof projects.$inferSelect;
export type NewProject = typeof projects.$inferInsert;
