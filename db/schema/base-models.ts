// Pretrained base models imported from a local Hugging Face folder (GPT-2 or the Llama family): the import job's
// state and, once ready, the checkpoint a project may pick as its base.
import { sql } from "drizzle-orm";
import { index, jsonb, pgTable, text, timestamp, uniqueIndex, uuid } from "drizzle-orm/pg-core";
import { users } from "./users";

export type BaseModelStatus = "importing" | "ready" | "failed";

export const baseModels = pgTable(
  "base_models",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    name: text("name").notNull(),
    /** the folder the admin named, resolved to an absolute path */
    sourcePath: text("source_path").notNull(),
    /** where the imported checkpoint lives (under the data folder) */
    checkpointPath: text("checkpoint_path").notNull(),
    status: text("status").$type<BaseModelStatus>().notNull().default("importing"),
    /** gpt2 | llama | qwen2 | mistral, from config.json's model_type (known before the import finishes) */
    family: text("family"),
    /** the checkpoint's model config (trainer/config.ts) once imported */
    config: jsonb("config").$type<Record<string, unknown>>(),
    /** the trainer's own one-line reason when the import failed */
    error: text("error"),
    logTail: text("log_tail"),
    jobId: text("job_id"),
    createdBy: uuid("created_by").references(() => users.id),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    finishedAt: timestamp("finished_at", { withTimezone: true }),
  },
  (t) => [
    // one import of a folder at a time (a second while one runs is a 409)
    uniqueIndex("base_models_importing_idx").on(t.sourcePath).where(sql`${t.status} = 'importing'`),
    // a failed import leaves its row (with the reason) and frees the name for a retry
    uniqueIndex("base_models_name_idx").on(t.name).where(sql`${t.status} <> 'failed'`),
    index("base_models_created_idx").on(t.createdAt),
  ],
);
export type BaseModel = typeof baseModels.$inferSelect;
export type NewBaseModel = typeof baseModels.$inferInsert;
