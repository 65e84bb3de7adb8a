// Data access for webhooks, their deliveries (the outbox) and each delivery's attempts.
import "server-only";
import { and, asc, desc, eq, inArray, isNull, lt, lte, or, sql } from "drizzle-orm";
import type { DbOrTx } from "../client";
import { webhookAttempts, webhookDeliveries, webhooks, type NewWebhook, type NewWebhookAttempt, type NewWebhookDelivery, type Webhook, type WebhookDelivery } from "../schema";

export async function insertWebhook(db: DbOrTx, row: NewWebhook) {
  const [created] = await db.insert(webhooks).values(row).returning();
  return created;
}

/** A webhook in use (not removed) of a project, or null. */
export async function getWebhookById(db: DbOrTx, id: string, opts: { lock?: boolean } = {}): Promise<Webhook | null> {
  const q = db.select().from(webhooks).where(and(eq(webhooks.id, id), isNull(webhooks.removedAt)));
  const [row] = opts.lock ? await q.for("update") : await q;
  return row ?? null;
}

export async function listWebhooksByProject(db: DbOrTx, projectId: string) {
  return db.select().from(webhooks).where(and(eq(webhooks.projectId, projectId), isNull(webhooks.removedAt))).orderBy(asc(webhooks.createdAt));
}

/** Enabled webhooks of a project that receive `event`. */
export async function listSubscribedWebhooks(db: DbOrTx, projectId: string, event: string) {
  return db
    .select()
    .from(webhooks)
    .where(and(eq(webhooks.projectId, projectId), isNull(webhooks.removedAt), eq(webhooks.enabled, true), sql`${webhooks.events} @> ${JSON.stringify([event])}::jsonb`));
}

export async function updateWebhook(db: DbOrTx, id: string, patch: Partial<NewWebhook>) {
  const [row] = await db.update(webhooks).set(patch).where(eq(webhooks.id, id)).returning();
  return row ?? null;
}

export async function insertDeliveries(db: DbOrTx, rows: NewWebhookDelivery[]) {
  if (!rows.length) return [];
  return db.insert(webhookDeliveries).values(rows).returning();
}

export async function getDeliveryById(db: DbOrTx, id: string, opts: { lock?: boolean } = {}): Promise<WebhookDelivery | null> {
  const q = db.select().from(webhookDeliveries).where(eq(webhookDeliveries.id, id));
  const [row] = opts.lock ? await q.for("update") : await q;
  return row ?? null;
}

export async function updateDelivery(db: DbOrTx, id: string, patch: Partial<NewWebhookDelivery>) {
  const [row] = await db.update(webhookDeliveries).set(patch).where(eq(webhookDeliveries.id, id)).returning();
  return row ?? null;
}

/** Newest first; `limit` rows at most. */
export async function listDeliveriesByWebhook(db: DbOrTx, webhookId: string, limit: number) {
  return db.select().from(webhookDeliveries).where(eq(webhookDeliveries.webhookId, webhookId)).orderBy(desc(webhookDeliveries.createdAt), desc(webhookDeliveries.id)).limit(limit);
}

export async function listAttemptsByDeliveries(db: DbOrTx, deliveryIds: string[]) {
  if (!deliveryIds.length) return [];
  return db.select().from(webhookAttempts).where(inArray(webhookAttempts.deliveryId, deliveryIds)).orderBy(asc(webhookAttempts.attempt));
}

export async function insertAttempt(db: DbOrTx, row: NewWebhookAttempt) {
  await db.insert(webhookAttempts).values(row);
}

/**
 * Marks due deliveries as handed to the job queue and returns them: pending ones whose time came, and sending ones
 * claimed before `staleBefore` (their job was lost). SKIP LOCKED, so relays in several processes take different rows.
 */
export async function claimDueDeliveries(db: DbOrTx, opts: { now: Date; staleBefore: Date; limit: number }) {
  const due = db
    .select({ id: webhookDeliveries.id })
    .from(webhookDeliveries)
    .where(
      or(
        and(eq(webhookDeliveries.status, "pending"), lte(webhookDeliveries.nextAttemptAt, opts.now)),
        and(eq(webhookDeliveries.status, "sending"), lt(webhookDeliveries.claimedAt, opts.staleBefore)),
      ),
    )
    .orderBy(asc(webhookDeliveries.nextAttemptAt))
    .limit(opts.limit)
    .for("update", { skipLocked: true });
  return db.update(webhookDeliveries).set({ status: "sending", claimedAt: opts.now }).where(inArray(webhookDeliveries.id, due)).returning({ id: webhookDeliveries.id });
}

/** A disabled or removed webhook's waiting deliveries are given up. */
export async function failOpenDeliveries(db: DbOrTx, webhookId: string, reason: string) {
  await db
    .update(webhookDeliveries)
    .set({ status: "failed", lastError: reason, finishedAt: new Date() })
    .where(and(eq(webhookDeliveries.webhookId, webhookId), inArray(webhookDeliveries.status, ["pending", "sending"])));
}
