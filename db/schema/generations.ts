// Generation jobs as people follow them on the Models page: a version writing outputs to rank, or a release gate's comparison.
import { index, integer, pgTable, text, timestamp, uuid } from "drizzle-orm/pg-core";
import { projects } from "./projects";
import { modelVersions } from "./training";

export const generations = pgTable(
  "generations",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    projectId: uuid("project_id").notNull().references(() => projects.id),
    /** the version writing outputs (`outputs`), or the new version under a release gate (`compare`) */
    modelVersionId: uuid("model_version_id").notNull().references(() => modelVersions.id),
    kind: text("kind").$type<"outputs" | "compare">().notNull(),
    status: text("status").$type<"queued" | "running" | "succeeded" | "failed">().notNull().default("queued"),
    /** outputs it set out to write (known once it has picked its prompts) and those written so far */
    wanted: integer("wanted").notNull().default(0),
    written: integer("written").notNull().default(0),
    /** why it failed, or why it wrote nothing (e.g. "no held-out prompts") */
    error: text("error"),
    note: text("note"),
    /** manual | promote | gate */
    trigger: text("trigger").notNull().default("manual"),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
    finishedAt: timestamp("finished_at", { withTimezone: true }),
  },
  (t) => [index("generations_version_idx").on(t.modelVersionId, t.kind, t.createdAt)],
);
export type Generation = typeof generations.$inferSelect;
export type NewGeneration = typeof generations.$inferInsert;
