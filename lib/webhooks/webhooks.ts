// Webhooks as admins manage them: add (secret shown once, stored sealed), list, remove, enable again, read the delivery log, redeliver.
import "server-only";
import { randomBytes } from "node:crypto";
import { getDb } from "@/db/client";
import * as q from "@/db/queries/webhooks";
import type { Webhook, WebhookAttempt, WebhookDelivery } from "@/db/schema";
import { recordAudit } from "@/lib/audit";
import { assertRole } from "@/lib/auth/roles";
import { AppError } from "@/lib/errors";
import { projectBySlugOr404, type AnyActor } from "@/lib/projects/projects";
import { seal, unseal, type SealLabel } from "@/lib/sources/secret-box";
import type { AddWebhookInput, ListDeliveriesInput, RedeliverInput, WebhookRefInput } from "@/lib/validation/webhooks";

const WEBHOOK_SECRETS: SealLabel = { version: "w1", info: "tuneloop webhook signing secrets v1" };

/** At most this many webhooks per project (each event is written once per webhook, in the change's transaction). */
export const MAX_WEBHOOKS_PER_PROJECT = 20;

/** The signing secret, for the delivery job only. */
export function openWebhookSecret(h: Webhook): string {
  const plain = unseal(WEBHOOK_SECRETS, h.secretSealed);
  if (plain === null) {
    throw new AppError(
      "conflict:webhook_secret",
      `The signing secret of webhook ${h.id} cannot be decrypted: TUNELOOP_SECRET_KEY (or the auth secret) changed since it was stored. Remove the webhook and add it again.`,
    );
  }
  return plain;
}

/** Everything but the secret. */
export function webhookView(h: Webhook) {
  return {
    id: h.id,
    url: h.url,
    events: h.events,
    description: h.description,
    enabled: h.enabled,
    consecutiveFailures: h.consecutiveFailures,
    disabledAt: h.disabledAt?.toISOString() ?? null,
    disabledReason: h.disabledReason,
    createdAt: h.createdAt.toISOString(),
  };
}
export type WebhookView = ReturnType<typeof webhookView>;

export function deliveryView(d: WebhookDelivery, attempts: WebhookAttempt[]) {
  return {
    id: d.id,
    webhookId: d.webhookId,
    eventId: d.eventId,
    event: d.event,
    status: d.status,
    attempts: d.attempts,
    nextAttemptAt: d.status === "pending" ? d.nextAttemptAt.toISOString() : null,
    lastStatusCode: d.lastStatusCode,
    lastError: d.lastError,
    redeliveryOf: d.redeliveryOf,
    createdAt: d.createdAt.toISOString(),
    finishedAt: d.finishedAt?.toISOString() ?? null,
    log: attempts.map((a) => ({ attempt: a.attempt, statusCode: a.statusCode, durationMs: a.durationMs, error: a.error, at: a.at.toISOString() })),
  };
}
export type DeliveryView = ReturnType<typeof deliveryView>;

export async function addWebhook(actor: AnyActor | null, input: AddWebhookInput): Promise<WebhookView & { secret: string }> {
  const who = assertRole(actor, "admin");
  const db = getDb();
  const project = await projectBySlugOr404(db, input.projectSlug, "projectSlug");
  const secret = `whsec_${randomBytes(32).toString("base64url")}`;
  return db.transaction(async (tx) => {
    if ((await q.listWebhooksByProject(tx, project.id)).length >= MAX_WEBHOOKS_PER_PROJECT) {
      throw new AppError("conflict:webhook", `A project has at most ${MAX_WEBHOOKS_PER_PROJECT} webhooks; remove one first.`, { url: [`At most ${MAX_WEBHOOKS_PER_PROJECT} webhooks`] });
    }
    const row = await q.insertWebhook(tx, {
      projectId: project.id,
      url: input.url,
      events: input.events,
      description: input.description || null,
      secretSealed: seal(WEBHOOK_SECRETS, secret),
      createdBy: who.id,
    });
    await recordAudit(tx, { actorId: who.id, action: "webhook.add", targetType: "webhook", targetId: row.id, data: { project: project.slug, url: row.url, events: row.events } });
    return { ...webhookView(row), secret };
  });
}

export async function listWebhooks(actor: AnyActor | null, projectSlug: string): Promise<WebhookView[]> {
  assertRole(actor, "admin");
  const db = getDb();
  const project = await projectBySlugOr404(db, projectSlug, "projectSlug");
  return (await q.listWebhooksByProject(db, project.id)).map(webhookView);
}

async function webhookOr404(ref: WebhookRefInput): Promise<Webhook> {
  const db = getDb();
  const project = await projectBySlugOr404(db, ref.projectSlug, "projectSlug");
  const hook = await q.getWebhookById(db, ref.id);
  if (!hook || hook.projectId !== project.id) throw new AppError("not_found:webhook", `No webhook ${ref.id} in project "${ref.projectSlug}".`, { id: ["Unknown webhook"] });
  return hook;
}

/** Its waiting deliveries are given up; the log stays readable by id. */
export async function removeWebhook(actor: AnyActor | null, ref: WebhookRefInput): Promise<{ id: string; removed: true }> {
  const who = assertRole(actor, "admin");
  const hook = await webhookOr404(ref);
  return getDb().transaction(async (tx) => {
    await q.updateWebhook(tx, hook.id, { removedAt: new Date(), enabled: false });
    await q.failOpenDeliveries(tx, hook.id, "webhook removed");
    await recordAudit(tx, { actorId: who.id, action: "webhook.remove", targetType: "webhook", targetId: hook.id, data: { url: hook.url } });
    return { id: hook.id, removed: true as const };
  });
}

/** A webhook disabled after failing is enabled again with its failure count reset (new events reach it again). */
export async function enableWebhook(actor: AnyActor | null, ref: WebhookRefInput): Promise<WebhookView> {
  const who = assertRole(actor, "admin");
  const hook = await webhookOr404(ref);
  return getDb().transaction(async (tx) => {
    const row = await q.updateWebhook(tx, hook.id, { enabled: true, consecutiveFailures: 0, disabledAt: null, disabledReason: null });
    await recordAudit(tx, { actorId: who.id, action: "webhook.enable", targetType: "webhook", targetId: hook.id, data: { url: hook.url } });
    return webhookView(row);
  });
}

export async function listDeliveries(actor: AnyActor | null, input: ListDeliveriesInput): Promise<DeliveryView[]> {
  assertRole(actor, "admin");
  const hook = await webhookOr404(input);
  const db = getDb();
  const rows = await q.listDeliveriesByWebhook(db, hook.id, input.limit);
  const attempts = await q.listAttemptsByDeliveries(db, rows.map((r) => r.id));
  return rows.map((r) => deliveryView(r, attempts.filter((a) => a.deliveryId === r.id)));
}

/** By hand: a new delivery of the same body (same event id) to the same webhook, whatever became of the first. */
export async function redeliver(actor: AnyActor | null, input: RedeliverInput): Promise<DeliveryView> {
  const who = assertRole(actor, "admin");
  const db = getDb();
  const project = await projectBySlugOr404(db, input.projectSlug, "projectSlug");
  const original = await q.getDeliveryById(db, input.deliveryId);
  const hook = original ? await q.getWebhookById(db, original.webhookId) : null;
  if (!original || !hook || hook.projectId !== project.id) {
    throw new AppError("not_found:webhook_delivery", `No delivery ${input.deliveryId} in project "${input.projectSlug}".`, { deliveryId: ["Unknown delivery"] });
  }
  if (!hook.enabled) throw new AppError("conflict:webhook", "This webhook is disabled; enable it before redelivering.", { deliveryId: ["The webhook is disabled"] });
  return db.transaction(async (tx) => {
    const [row] = await q.insertDeliveries(tx, [{ webhookId: hook.id, eventId: original.eventId, event: original.event, body: original.body, redeliveryOf: original.id }]);
    await recordAudit(tx, { actorId: who.id, action: "webhook.redeliver", targetType: "webhook_delivery", targetId: row.id, data: { of: original.id, event: original.event } });
    return deliveryView(row, []);
  });
}
