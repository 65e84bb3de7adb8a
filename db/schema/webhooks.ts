// Webhooks: URLs a project's admins register for events, and the outbox of deliveries (with each attempt) sent to them.
import { sql } from "drizzle-orm";
import { boolean, index, integer, jsonb, pgTable, text, timestamp, uuid } from "drizzle-orm/pg-core";
import { projects } from "./projects";
import { users } from "./users";

export const webhooks = pgTable(
  "webhooks",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    projectId: uuid("project_id").notNull().references(() => projects.id),
    url: text("url").notNull(),
    /** event types it receives (lib/webhooks/events.ts WEBHOOK_EVENTS) */
    events: jsonb("events").$type<string[]>().notNull(),
    description: text("description"),
    /** the signing secret sealed with lib/sources/secret-box.ts under the webhook label; shown once, when added */
    secretSealed: text("secret_sealed").notNull(),
    enabled: boolean("enabled").notNull().default(true),
    /** failed attempts in a row (any delivery); reset by a success; at the limit the webhook is disabled */
    consecutiveFailures: integer("consecutive_failures").notNull().default(0),
    disabledAt: timestamp("disabled_at", { withTimezone: true }),
    disabledReason: text("disabled_reason"),
    createdBy: uuid("created_by").references(() => users.id),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    /** removed webhooks keep their row so the delivery log stays readable */
    removedAt: timestamp("removed_at", { withTimezone: true }),
  },
  (t) => [index("webhooks_project_idx").on(t.projectId).where(sql`${t.removedAt} is null`)],
);
export type Webhook = typeof webhooks.$inferSelect;
export type NewWebhook = typeof webhooks.$inferInsert;

/** pending: waits for next_attempt_at; sending: handed to the job queue; delivered: a 2xx came back; failed: gave up. */
export type WebhookDeliveryStatus = "pending" | "sending" | "delivered" | "failed";

/** One event for one webhook: written in the transaction of the change that caused it (the outbox row). */
export const webhookDeliveries = pgTable(
  "webhook_deliveries",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    webhookId: uuid("webhook_id").notNull().references(() => webhooks.id),
    /** the event's id, the same in every webhook's copy and in a redelivery (receivers deduplicate by it) */
    eventId: uuid("event_id").notNull(),
    event: text("event").notNull(),
    /** the JSON body exactly as signed and sent */
    body: text("body").notNull(),
    status: text("status").$type<WebhookDeliveryStatus>().notNull().default("pending"),
    attempts: integer("attempts").notNull().default(0),
    nextAttemptAt: timestamp("next_attempt_at", { withTimezone: true }).notNull().defaultNow(),
    /** when the relay handed it to the job queue (status sending); an old one is handed over again */
    claimedAt: timestamp("claimed_at", { withTimezone: true }),
    lastStatusCode: integer("last_status_code"),
    lastError: text("last_error"),
    redeliveryOf: uuid("redelivery_of"),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    finishedAt: timestamp("finished_at", { withTimezone: true }),
  },
  (t) => [index("webhook_deliveries_due_idx").on(t.status, t.nextAttemptAt), index("webhook_deliveries_webhook_idx").on(t.webhookId, t.createdAt)],
);
export type WebhookDelivery = typeof webhookDeliveries.$inferSelect;
export type NewWebhookDelivery = typeof webhookDeliveries.$inferInsert;

/** One HTTP try of a delivery: the receiver's status code (null when none came), how long it took, why it failed. */
export const webhookAttempts = pgTable(
  "webhook_attempts",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    deliveryId: uuid("delivery_id").notNull().references(() => webhookDeliveries.id),
    attempt: integer("attempt").notNull(),
    statusCode: integer("status_code"),
    durationMs: integer("duration_ms").notNull(),
    error: text("error"),
    responseSnippet: text("response_snippet"),
    at: timestamp("at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index("webhook_attempts_delivery_idx").on(t.deliveryId, t.attempt)],
);
export type WebhookAttempt = typeof webhookAttempts.$inferSelect;
export type NewWebhookAttempt = typeof webhookAttempts.$inferInsert;
