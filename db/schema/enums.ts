// Postgres enums shared by every area of the schema.
import { pgEnum } from "drizzle-orm/pg-core";
// The run kinds are the trainer's contract (trainer/protocol.ts, pure zod): one list for the database, lib and trainer.
import { RUN_KINDS } from "@/trainer/protocol";

export const roleEnum = pgEnum("role", ["annotator", "reviewer", "admin"]);
export const promptSourceEnum = pgEnum("prompt_source", ["human", "import", "model"]);
export const promptStatusEnum = pgEnum("prompt_status", ["draft", "submitted", "approved", "rejected"]);
export const completionSourceEnum = pgEnum("completion_source", ["human", "model", "import"]);
export const rankingSourceEnum = pgEnum("ranking_source", ["human", "import"]);
export const reviewDecisionEnum = pgEnum("review_decision", ["approve", "reject", "edit"]);
export const assignmentStatusEnum = pgEnum("assignment_status", ["open", "submitted", "skipped", "expired"]);
export const runStatusEnum = pgEnum("run_status", ["queued", "running", "succeeded", "failed", "cancelled"]);
export const runKindEnum = pgEnum("run_kind", RUN_KINDS);
export const modelStatusEnum = pgEnum("model_status", ["ready", "archived"]);
/** policy: generates outputs and may be promoted; reward: a reward model (run stage `rm`) that only scores outputs */
export const modelKindEnum = pgEnum("model_kind", ["policy", "reward"]);
export const exportStatusEnum = pgEnum("export_status", ["ready", "failed"]);
