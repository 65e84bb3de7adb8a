// Rankings of a prompt's completions, task leases (assignments) and reviews.
import { sql } from "drizzle-orm";
import { boolean, index, integer, jsonb, pgTable, real, text, timestamp, uniqueIndex, uuid } from "drizzle-orm/pg-core";
import { assignmentStatusEnum, rankingSourceEnum, reviewDecisionEnum } from "./enums";
import { prompts } from "./prompts";
import { users } from "./users";
import type { CompletionFlag } from "./completion-flags";
import type { Answers } from "./questions";

export type { CompletionFlag } from "./completion-flags";

/** Work in progress on a leased task, saved as the person works and restored when the lease resumes. */
export type RankingDraft = {
  /** completion ids best first; ids in one inner array are tied */
  order: string[][];
  flags: Record<string, CompletionFlag[]>;
  noneAcceptable: boolean;
  rationale: string;
  /** the person moved, tied or confirmed the order (a submit needs one of them) */
  touched: boolean;
  /** time on task so far, so a reload does not restart the clock */
  elapsedMs: number;
  /** answers to the project's other questions so far (absent in drafts saved before questions existed) */
  answers?: Answers;
};

export const rankings = pgTable(
  "rankings",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    promptId: uuid("prompt_id").notNull().references(() => prompts.id),
    annotatorId: uuid("annotator_id").references(() => users.id),
    source: rankingSourceEnum("source").notNull(),
    /** completion ids best first; ids in one inner array are tied */
    order: jsonb("order").$type<string[][]>().notNull(),
    flags: jsonb("flags").$type<Record<string, CompletionFlag[]>>().notNull().default({}),
    noneAcceptable: boolean("none_acceptable").notNull().default(false),
    rationale: text("rationale"),
    /** answers to the project's questions besides the ranking (db/schema/questions.ts), checked against them on submit */
    answers: jsonb("answers").$type<Answers>().notNull().default({}),
    timeSpentMs: integer("time_spent_ms"),
    idempotencyKey: text("idempotency_key"),
    /** the revision this one replaced; revisions keep the history, only the latest counts */
    previousId: uuid("previous_id"),
    isCurrent: boolean("is_current").notNull().default(true),
    excluded: boolean("excluded").notNull().default(false),
    assignmentId: uuid("assignment_id"),
    /** for gold tasks: Kendall tau-b of this order against the gold order, −1..1 */
    goldScore: real("gold_score"),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index("rankings_prompt_idx").on(t.promptId),
    index("rankings_annotator_idx").on(t.annotatorId, t.createdAt),
    uniqueIndex("rankings_idempotency_idx").on(t.annotatorId, t.idempotencyKey),
    uniqueIndex("rankings_current_per_annotator_idx")
      .on(t.promptId, t.annotatorId)
      .where(sql`${t.isCurrent} and ${t.annotatorId} is not null`),
  ],
);
export type Ranking = typeof rankings.$inferSelect;
export type NewRanking = typeof rankings.$inferInsert;

export const assignments = pgTable(
  "assignments",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    promptId: uuid("prompt_id").notNull().references(() => prompts.id),
    projectId: uuid("project_id").notNull(),
    userId: uuid("user_id").notNull().references(() => users.id),
    status: assignmentStatusEnum("status").notNull().default("open"),
    /** per-annotator shuffle of the completions, so order carries no signal */
    displayOrder: jsonb("display_order").$type<string[]>().notNull(),
    skipReason: text("skip_reason"),
    idempotencyKey: text("idempotency_key"),
    submittedAt: timestamp("submitted_at", { withTimezone: true }),
    leasedAt: timestamp("leased_at", { withTimezone: true }).notNull().defaultNow(),
    expiresAt: timestamp("expires_at", { withTimezone: true }).notNull(),
    isGold: boolean("is_gold").notNull().default(false),
    draft: jsonb("draft").$type<RankingDraft | null>(),
  },
  (t) => [
    // one task per user per prompt, ever: never the same task twice to one user.
    uniqueIndex("assignments_prompt_user_idx").on(t.promptId, t.userId),
    index("assignments_open_idx").on(t.promptId, t.status, t.expiresAt),
    index("assignments_user_idx").on(t.userId, t.status),
    index("assignments_project_open_idx").on(t.projectId, t.status, t.expiresAt),
  ],
);
export type Assignment = typeof assignments.$inferSelect;
export type NewAssignment = typeof assignments.$inferInsert;

export const reviews = pgTable(
  "reviews",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    targetType: text("target_type").$type<"prompt" | "completion" | "ranking">().notNull(),
    targetId: uuid("target_id").notNull(),
    reviewerId: uuid("reviewer_id").notNull().references(() => users.id),
    decision: reviewDecisionEnum("decision").notNull(),
    reason: text("reason"),
    /** for edits: the fields before and after */
    diff: jsonb("diff").$type<Record<string, { before: string | null; after: string | null }> | null>(),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index("reviews_target_idx").on(t.targetType, t.targetId)],
);
export type Review = typeof reviews.$inferSelect;
export type NewReview = typeof reviews.$inferInsert;

// Annotators a reviewer has excluded from a project's consensus.
export const excludedAnnotators = pgTable(
  "excluded_annotators",
  {
    projectId: uuid("project_id").notNull(),
    userId: uuid("user_id").notNull().references(() => users.id),
    excludedBy: uuid("excluded_by").references(() => users.id),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex("excluded_annotators_idx").on(t.projectId, t.userId)],
);
