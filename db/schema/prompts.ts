// Prompts and their completions (demonstrations, model outputs, imported outputs).
import { sql } from "drizzle-orm";
import { boolean, index, integer, jsonb, pgTable, real, text, timestamp, uniqueIndex, uuid, type AnyPgColumn } from "drizzle-orm/pg-core";
import { completionSourceEnum, promptSourceEnum, promptStatusEnum } from "./enums";
import { projects } from "./projects";
import { users } from "./users";

export const prompts = pgTable(
  "prompts",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    projectId: uuid("project_id").notNull().references(() => projects.id),
    instruction: text("instruction").notNull(),
    input: text("input"),
    category: text("category"),
    /** The prompt's language: an ISO 639-1 code where one exists (else ISO 639-3), declared on import or detected (lib/prompts/language.ts); null = undetermined */
    language: text("language"),
    authorId: uuid("author_id").references(() => users.id),
    source: promptSourceEnum("source").notNull(),
    status: promptStatusEnum("status").notNull().default("draft"),
    /** sha256 of the imported record; re-importing the same row adds nothing */
    contentHash: text("content_hash"),
    /** consensus state, recomputed after each ranking */
    rankingCount: integer("ranking_count").notNull().default(0),
    settled: boolean("settled").notNull().default(false),
    agreement: real("agreement"),
    consensus: jsonb("consensus").$type<{ order: string[]; scores: Record<string, number> } | null>(),
    /** a reviewer-set gold order (groups of completion ids, best first) */
    goldOrder: jsonb("gold_order").$type<string[][] | null>(),
    isGold: boolean("is_gold").notNull().default(false),
    /** a release-gate comparison: a copy of held-out prompt `compareOf` with one output of model version `compareVersionId` and one of the version active then */
    compareOf: uuid("compare_of"),
    compareVersionId: uuid("compare_version_id"),
    /**
     * Conversations (Open-Assistant style trees): a prompt is one user turn. A later turn names
     * the assistant reply (a completion of the turn before) it answers; its history is the path
     * from the root. Replies to one prompt are its completions (ranked siblings); several
     * prompts naming one completion are sibling user turns. Null for a first turn.
     */
    parentCompletionId: uuid("parent_completion_id").references((): AnyPgColumn => completions.id),
    /** The optional system message of a conversation, on its first turn only. */
    system: text("system"),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    submittedAt: timestamp("submitted_at", { withTimezone: true }),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index("prompts_project_status_idx").on(t.projectId, t.status),
    // next-task walks a project's rankable prompts closest-to-full first: a range scan on ranking_count < overlap.
    index("prompts_next_task_idx")
      .on(t.projectId, t.isGold, sql`${t.rankingCount} desc`, t.createdAt, t.id)
      .where(sql`${t.status} = 'approved'`),
    index("prompts_author_idx").on(t.authorId),
    index("prompts_parent_completion_idx").on(t.parentCompletionId).where(sql`${t.parentCompletionId} is not null`),
    // the queue policy's `import:<id>` batch: one import's prompts share the import transaction's created_at
    index("prompts_import_batch_idx").on(t.projectId, t.createdAt).where(sql`${t.source} = 'import'`),
    // one comparison per held-out prompt per gated version, however often the compare job runs
    uniqueIndex("prompts_compare_idx").on(t.compareVersionId, t.compareOf).where(sql`${t.compareVersionId} is not null`),
    uniqueIndex("prompts_project_content_hash_idx").on(t.projectId, t.contentHash).where(sql`${t.contentHash} is not null`),
    // similar-prompt hints while writing: trigram similarity on the instruction (pg_trgm, created by the same migration)
    index("prompts_instruction_trgm_idx").using("gin", t.instruction.op("gin_trgm_ops")),
  ],
);
export type Prompt = typeof prompts.$inferSelect;
export type NewPrompt = typeof prompts.$inferInsert;

export const completions = pgTable(
  "completions",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    promptId: uuid("prompt_id").notNull().references(() => prompts.id),
    text: text("text").notNull(),
    source: completionSourceEnum("source").notNull(),
    authorId: uuid("author_id").references(() => users.id),
    /** model_versions.id when a version of ours wrote it */
    modelVersionId: uuid("model_version_id"),
    /** model_sources.id when an OpenAI-compatible source wrote it (source "model", generator the source's name) */
    modelSourceId: uuid("model_source_id"),
    /** free-text generator name for imported outputs (e.g. "gpt4"), or the version label */
    generator: text("generator"),
    /** a human demonstration (written, or a rewrite of a model output) goes through review */
    isDemonstration: boolean("is_demonstration").notNull().default(false),
    status: promptStatusEnum("status").notNull().default("submitted"),
    /** the completion this one rewrites, for "edit a model's reply" */
    parentId: uuid("parent_id"),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index("completions_prompt_idx").on(t.promptId), index("completions_model_version_idx").on(t.modelVersionId)],
);
export type Completion = typeof completions.$inferSelect;
export type NewCompletion = typeof completions.$inferInsert;
