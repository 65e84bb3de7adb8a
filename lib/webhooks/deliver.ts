// Delivery: the relay hands due outbox rows to the job queue; the `webhook` job makes one signed HTTP attempt and
// records it, scheduling the next try with exponential backoff or giving up, and disables a webhook that keeps failing.
import "server-only";
import { getDb } from "@/db/client";
import * as q from "@/db/queries/webhooks";
import type { Webhook } from "@/db/schema";
import { recordAudit } from "@/lib/audit";
import { AppError } from "@/lib/errors";
import { SIGNATURE_HEADER, signatureHeader } from "./signature";
import { openWebhookSecret } from "./webhooks";

export type WebhookPolicy = {
  /** one attempt may take this long before it counts as failed (no response) */
  timeoutMs: number;
  /** tries per delivery, the first included; then it is failed (redeliverable by hand) */
  maxAttempts: number;
  /** the wait after the first failed try; each further failure doubles it (10 s, 20 s, 40 s, 80 s, 160 s by default) */
  backoffMs: number;
  /** failed attempts in a row, across the webhook's deliveries, after which it is disabled */
  disableAfter: number;
  /** a delivery handed to the queue this long ago without an answer is handed over again (its job was lost) */
  reclaimAfterMs: number;
};

export const DEFAULT_WEBHOOK_POLICY: WebhookPolicy = { timeoutMs: 10_000, maxAttempts: 6, backoffMs: 10_000, disableAfter: 15, reclaimAfterMs: 5 * 60_000 };

/** Longest wait between tries, whatever the backoff doubles to. */
const MAX_BACKOFF_MS = 6 * 3600_000;

/** The wait before try `attempt + 1` after `attempt` tries failed. */
export function backoffDelayMs(policy: Pick<WebhookPolicy, "backoffMs">, attempt: number): number {
  return Math.min(MAX_BACKOFF_MS, policy.backoffMs * 2 ** Math.max(0, attempt - 1));
}

/** Claims due deliveries and sends each to the `webhook` queue; returns how many. */
export async function relayDueDeliveries(send: (deliveryId: string) => Promise<unknown>, policy: WebhookPolicy = DEFAULT_WEBHOOK_POLICY, now = new Date()): Promise<number> {
  const claimed = await getDb().transaction((tx) => q.claimDueDeliveries(tx, { now, staleBefore: new Date(now.getTime() - policy.reclaimAfterMs), limit: 100 }));
  for (const { id } of claimed) await send(id);
  return claimed.length;
}

type AttemptOutcome = { ok: boolean; statusCode: number | null; error: string | null; durationMs: number; snippet: string | null };

function describeFailure(e: unknown, timeoutMs: number): string {
  const err = e as { name?: string; message?: string; cause?: { code?: string; message?: string } };
  if (err.name === "TimeoutError" || err.name === "AbortError") return `timed out after ${timeoutMs} ms`;
  const cause = err.cause?.code ?? err.cause?.message;
  return `request failed: ${cause ?? err.message ?? String(e)}`.slice(0, 500);
}

async function post(hook: Webhook, secret: string, delivery: { id: string; event: string; body: string }, attempt: number, timeoutMs: number): Promise<AttemptOutcome> {
  const started = Date.now();
  try {
    const res = await fetch(hook.url, {
      method: "POST",
      // A redirect counts as a failure: the receiver's URL is the one registered.
      redirect: "manual",
      signal: AbortSignal.timeout(timeoutMs),
      headers: {
        "content-type": "application/json",
        "user-agent": "Tuneloop-Webhooks/1",
        [SIGNATURE_HEADER]: signatureHeader(secret, delivery.body),
        "Tuneloop-Event": delivery.event,
        "Tuneloop-Delivery": delivery.id,
        "Tuneloop-Attempt": String(attempt),
      },
      body: delivery.body,
    });
    const text = await res.text().catch(() => "");
    const ok = res.status >= 200 && res.status < 300;
    return { ok, statusCode: res.status, error: ok ? null : `HTTP ${res.status}`, durationMs: Date.now() - started, snippet: text.slice(0, 500) || null };
  } catch (e) {
    return { ok: false, statusCode: null, error: describeFailure(e, timeoutMs), durationMs: Date.now() - started, snippet: null };
  }
}

export type AttemptResult = { status: "delivered" | "pending" | "failed" | "skipped"; attempt?: number; statusCode?: number | null; disabled?: boolean };

/** The `webhook` job: one attempt at one delivery the relay claimed. */
export async function attemptDelivery(deliveryId: string, policy: WebhookPolicy = DEFAULT_WEBHOOK_POLICY): Promise<AttemptResult> {
  const db = getDb();
  const delivery = await q.getDeliveryById(db, deliveryId);
  if (!delivery || delivery.status !== "sending") return { status: "skipped" };
  const hook = await q.getWebhookById(db, delivery.webhookId);
  if (!hook || !hook.enabled) {
    await q.updateDelivery(db, delivery.id, { status: "failed", lastError: hook ? "webhook disabled" : "webhook removed", finishedAt: new Date() });
    return { status: "failed" };
  }
  const attempt = delivery.attempts + 1;
  let outcome: AttemptOutcome;
  try {
    outcome = await post(hook, openWebhookSecret(hook), delivery, attempt, policy.timeoutMs);
  } catch (e) {
    if (!(e instanceof AppError)) throw e;
    outcome = { ok: false, statusCode: null, error: e.message, durationMs: 0, snippet: null };
  }
  return db.transaction(async (tx) => {
    // Another process may have redone it meanwhile (a reclaimed row): the first answer recorded wins.
    const current = await q.getDeliveryById(tx, delivery.id, { lock: true });
    if (!current || current.status !== "sending" || current.attempts !== delivery.attempts) return { status: "skipped" as const };
    await q.insertAttempt(tx, { deliveryId: delivery.id, attempt, statusCode: outcome.statusCode, durationMs: outcome.durationMs, error: outcome.error, responseSnippet: outcome.snippet });
    const common = { attempts: attempt, lastStatusCode: outcome.statusCode, lastError: outcome.error, claimedAt: null };
    if (outcome.ok) {
      await q.updateDelivery(tx, delivery.id, { ...common, status: "delivered", finishedAt: new Date() });
      await q.updateWebhook(tx, hook.id, { consecutiveFailures: 0 });
      return { status: "delivered" as const, attempt, statusCode: outcome.statusCode };
    }
    const giveUp = attempt >= policy.maxAttempts;
    await q.updateDelivery(
      tx,
      delivery.id,
      giveUp ? { ...common, status: "failed", finishedAt: new Date() } : { ...common, status: "pending", nextAttemptAt: new Date(Date.now() + backoffDelayMs(policy, attempt)) },
    );
    const locked = (await q.getWebhookById(tx, hook.id, { lock: true }))!;
    const failures = locked.consecutiveFailures + 1;
    const disable = locked.enabled && failures >= policy.disableAfter;
    const reason = `${failures} failed attempts in a row; the last: ${outcome.error}`;
    await q.updateWebhook(tx, hook.id, disable ? { consecutiveFailures: failures, enabled: false, disabledAt: new Date(), disabledReason: reason } : { consecutiveFailures: failures });
    if (disable) {
      await q.failOpenDeliveries(tx, hook.id, "webhook disabled");
      await recordAudit(tx, { actorId: null, action: "webhook.disabled", targetType: "webhook", targetId: hook.id, data: { url: hook.url, reason } });
    }
    return { status: giveUp || disable ? ("failed" as const) : ("pending" as const), attempt, statusCode: outcome.statusCode, disabled: disable };
  });
}
