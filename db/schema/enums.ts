// Postgres enums shared by every area of the schema.
import { pgEnum } from "drizzle-orm/pg-core";

export const roleEnum = pgEnum("role", ["annotator", "reviewer", "admin"]);
export const promptSourceEnum = pgEnum("prompt_source", ["human", "import", "model"]);
export const promptStatusEnum = pgEnum("prompt_status", ["draft", "submitted", "approved", "rejected"]);
export const completionSourceEnum = pgEnum("completion_source", ["human", "model", "import"]);
export const rankingSourceEnum = pgEnum("ranking_source", ["human", "import"]);
export const reviewDecisionEnum = pgEnum("review_decision", ["approve", "reject", "edit"]);
export const assignmentStatusEnum = pgEnum("assignment_status", ["open", "submitted", "skipped", "expired"]);
export const runStatusEnum = pgEnum("run_status", ["queued", "running", "succeeded", "failed", "cancelled"]);
export const runKindEnum = pgEnum("run_kind", ["pretrain", "sft", "dpo", "sft+dpo"]);
export const modelStatusEnum = pgEnum("model_status", ["ready", "archived"]);
export const exportStatusEnum = pgEnum("export_status", ["ready", "failed"]);
