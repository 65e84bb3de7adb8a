// Screening of stored texts: PII hits found as a prompt or completion is stored, and the moderation model's verdict.
import { index, integer, jsonb, pgTable, text, timestamp, uniqueIndex, uuid } from "drizzle-orm/pg-core";
import { projects } from "./projects";
import { prompts } from "./prompts";

/** One PII hit in one field of the target: offsets in UTF-16 code units of that field's text (lib/screening/pii.ts). */
export type ScreeningHit = { field: "instruction" | "input" | "text"; kind: string; start: number; end: number; text: string };
/** none: nothing to look at; open: hits or a flag await a reviewer; cleared: a reviewer kept the text as it is; confirmed: a reviewer rejected the prompt. */
export type ScreeningReview = "none" | "open" | "cleared" | "confirmed";
/** Moderation: null when the project names no moderation source; pending until the job ran; failed after its last retry. */
export type SafetyStatus = "pending" | "safe" | "flagged" | "failed";

export const screenings = pgTable(
  "screenings",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    projectId: uuid("project_id").notNull().references(() => projects.id),
    /** the prompt itself, or the prompt a completion answers: what the review queue shows */
    promptId: uuid("prompt_id").notNull().references(() => prompts.id),
    targetType: text("target_type").$type<"prompt" | "completion">().notNull(),
    targetId: uuid("target_id").notNull(),
    pii: jsonb("pii").$type<ScreeningHit[]>().notNull().default([]),
    review: text("review").$type<ScreeningReview>().notNull().default("none"),
    safety: text("safety").$type<SafetyStatus>(),
    safetyCategories: jsonb("safety_categories").$type<string[]>(),
    safetyAttempts: integer("safety_attempts").notNull().default(0),
    safetyError: text("safety_error"),
    safetyCheckedAt: timestamp("safety_checked_at", { withTimezone: true }),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex("screenings_target_idx").on(t.targetType, t.targetId),
    index("screenings_prompt_idx").on(t.promptId),
    index("screenings_project_review_idx").on(t.projectId, t.review),
  ],
);
export type Screening = typeof screenings.$inferSelect;
export type NewScreening = typeof screenings.$inferInsert;
