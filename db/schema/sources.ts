// Model sources (OpenAI-compatible chat endpoints a project collects outputs from) and the collect runs that ask them.
import { sql } from "drizzle-orm";
import { index, integer, jsonb, pgTable, text, timestamp, uniqueIndex, uuid } from "drizzle-orm/pg-core";
import { runStatusEnum } from "./enums";
import { projects } from "./projects";
import { users } from "./users";

/** How a source is asked; every field has a default (lib/validation/sources.ts). */
export type SourceSettings = {
  temperature: number;
  topP: number;
  maxTokens: number;
  /** requests in flight at once to this endpoint */
  concurrency: number;
  /** seconds one attempt may take before it counts as timed out */
  timeoutS: number;
  /** further attempts after a 408/409/429/5xx, a timeout or a refused connection */
  maxRetries: number;
};

export const modelSources = pgTable(
  "model_sources",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    projectId: uuid("project_id").notNull().references(() => projects.id),
    name: text("name").notNull(),
    baseUrl: text("base_url").notNull(),
    model: text("model").notNull(),
    /** AES-256-GCM ciphertext of the API key (lib/sources/secret-box.ts); null when the endpoint needs none. Never leaves lib/sources. */
    apiKeyEncrypted: text("api_key_encrypted"),
    settings: jsonb("settings").$type<SourceSettings>().notNull(),
    createdBy: uuid("created_by").references(() => users.id),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    /** removed sources keep their row so the outputs they wrote stay attributed */
    removedAt: timestamp("removed_at", { withTimezone: true }),
  },
  (t) => [uniqueIndex("model_sources_name_idx").on(t.projectId, t.name).where(sql`${t.removedAt} is null`)],
);
export type ModelSource = typeof modelSources.$inferSelect;
export type NewModelSource = typeof modelSources.$inferInsert;

/** What one source did in a collect run. */
export type CollectSourceReport = {
  name: string;
  outputs: number;
  failures: number;
  /** "failing": it failed `FAILING_AFTER` prompts in a row and was asked nothing more in this run */
  status: "ok" | "failing";
  lastError: string | null;
};

export const collectRuns = pgTable(
  "collect_runs",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    projectId: uuid("project_id").notNull().references(() => projects.id),
    sourceIds: jsonb("source_ids").$type<string[]>().notNull(),
    /** at most this many prompts short of K are asked about */
    promptLimit: integer("prompt_limit").notNull(),
    status: runStatusEnum("status").notNull().default("queued"),
    progress: jsonb("progress").$type<{ prompts: number; done: number; outputs: number }>().notNull().default({ prompts: 0, done: 0, outputs: 0 }),
    report: jsonb("report").$type<Record<string, CollectSourceReport>>().notNull().default({}),
    error: text("error"),
    jobId: text("job_id"),
    createdBy: uuid("created_by").references(() => users.id),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    startedAt: timestamp("started_at", { withTimezone: true }),
    finishedAt: timestamp("finished_at", { withTimezone: true }),
  },
  (t) => [index("collect_runs_project_idx").on(t.projectId, t.createdAt)],
);
export type CollectRun = typeof collectRuns.$inferSelect;
export type NewCollectRun = typeof collectRuns.$inferInsert;
