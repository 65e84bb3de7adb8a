// Export snapshots, model versions, training runs and their metrics.
import { sql } from "drizzle-orm";
import { bigserial, boolean, index, integer, jsonb, pgTable, real, text, timestamp, uniqueIndex, uuid } from "drizzle-orm/pg-core";
import { exportStatusEnum, modelKindEnum, modelStatusEnum, runKindEnum, runStatusEnum } from "./enums";
import { projects } from "./projects";
import { users } from "./users";
import type { Hyperparameters, RunProgress } from "@/trainer/protocol";

export const exports = pgTable(
  "exports",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    projectId: uuid("project_id").notNull().references(() => projects.id),
    createdBy: uuid("created_by").references(() => users.id),
    cutoffAt: timestamp("cutoff_at", { withTimezone: true }).notNull(),
    filters: jsonb("filters").$type<Record<string, unknown>>().notNull(),
    counts: jsonb("counts").$type<Record<string, number>>().notNull(),
    manifest: jsonb("manifest").$type<Record<string, unknown>>().notNull(),
    location: text("location").notNull(),
    status: exportStatusEnum("status").notNull().default("ready"),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index("exports_project_idx").on(t.projectId, t.createdAt)],
);
export type Export = typeof exports.$inferSelect;
export type NewExport = typeof exports.$inferInsert;

export const modelVersions = pgTable(
  "model_versions",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    projectId: uuid("project_id").notNull().references(() => projects.id),
    label: text("label").notNull(),
    parentId: uuid("parent_id"),
    /** "tiny", "small", or the checkpoint a lineage started from */
    base: text("base").notNull(),
    config: jsonb("config").$type<Record<string, unknown>>().notNull(),
    checkpointPath: text("checkpoint_path").notNull(),
    exportId: uuid("export_id").references(() => exports.id),
    runId: uuid("run_id"),
    metrics: jsonb("metrics").$type<Record<string, number>>().notNull().default({}),
    status: modelStatusEnum("status").notNull().default("ready"),
    /** a reward model (a run of stage `rm`) is never active, never generates; it scores outputs (reward_scores) */
    kind: modelKindEnum("kind").notNull().default("policy"),
    isActive: boolean("is_active").notNull().default(false),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex("model_versions_label_idx").on(t.projectId, t.label),
    // at most one active version per project
    uniqueIndex("model_versions_active_idx").on(t.projectId).where(sql`${t.isActive}`),
    // a run registers at most one version, even when its job is retried
    uniqueIndex("model_versions_run_idx").on(t.runId).where(sql`${t.runId} is not null`),
  ],
);
export type ModelVersion = typeof modelVersions.$inferSelect;
export type NewModelVersion = typeof modelVersions.$inferInsert;

export const trainingRuns = pgTable(
  "training_runs",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    projectId: uuid("project_id").notNull().references(() => projects.id),
    kind: runKindEnum("kind").notNull(),
    hyperparameters: jsonb("hyperparameters").$type<Partial<Hyperparameters>>().notNull(),
    base: text("base").notNull(),
    baseModelVersionId: uuid("base_model_version_id"),
    exportId: uuid("export_id").references(() => exports.id),
    status: runStatusEnum("status").notNull().default("queued"),
    progress: jsonb("progress").$type<RunProgress>().notNull().default({}),
    error: text("error"),
    logTail: text("log_tail"),
    jobId: text("job_id"),
    /** the runner writes this every few seconds; a running run whose heartbeat stops was orphaned by a crash */
    heartbeatAt: timestamp("heartbeat_at", { withTimezone: true }),
    /** where the trainer writes and resumes its checkpoint */
    workDir: text("work_dir"),
    attempts: integer("attempts").notNull().default(0),
    cancelRequested: boolean("cancel_requested").notNull().default(false),
    resultModelVersionId: uuid("result_model_version_id"),
    trigger: text("trigger").notNull().default("manual"),
    createdBy: uuid("created_by").references(() => users.id),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    startedAt: timestamp("started_at", { withTimezone: true }),
    finishedAt: timestamp("finished_at", { withTimezone: true }),
  },
  (t) => [index("training_runs_project_idx").on(t.projectId, t.createdAt), index("training_runs_status_idx").on(t.status)],
);
export type TrainingRun = typeof trainingRuns.$inferSelect;
export type NewTrainingRun = typeof trainingRuns.$inferInsert;

export const trainingMetrics = pgTable(
  "training_metrics",
  {
    id: bigserial("id", { mode: "number" }).primaryKey(),
    runId: uuid("run_id").notNull().references(() => trainingRuns.id),
    step: integer("step").notNull(),
    split: text("split").$type<"train" | "eval">().notNull(),
    name: text("name").notNull(),
    value: real("value").notNull(),
  },
  (t) => [uniqueIndex("training_metrics_point_idx").on(t.runId, t.split, t.name, t.step)],
);
export type TrainingMetric = typeof trainingMetrics.$inferSelect;
export type NewTrainingMetric = typeof trainingMetrics.$inferInsert;
