// Writes an event's deliveries (the outbox rows) in the caller's transaction: committed with the change, or not at all.
import "server-only";
import { randomUUID } from "node:crypto";
import type { DbOrTx } from "@/db/client";
import { getProjectById } from "@/db/queries/projects";
import * as q from "@/db/queries/webhooks";
import type { Prompt } from "@/db/schema";
import type { WebhookEvent, WebhookPayload } from "./events";

/**
 * One delivery per enabled webhook of the project that receives `event`; the job runner's relay sends them after the
 * transaction commits. Returns the event id, or null when no webhook wants it (nothing written).
 */
export async function emitWebhookEvent(tx: DbOrTx, e: { projectId: string; event: WebhookEvent; data: Record<string, unknown> }): Promise<string | null> {
  const hooks = await q.listSubscribedWebhooks(tx, e.projectId, e.event);
  if (!hooks.length) return null;
  const project = await getProjectById(tx, e.projectId);
  if (!project) return null;
  const id = randomUUID();
  const payload: WebhookPayload = { id, type: e.event, createdAt: new Date().toISOString(), project: { id: project.id, slug: project.slug }, data: e.data };
  const body = JSON.stringify(payload);
  await q.insertDeliveries(
    tx,
    hooks.map((h) => ({ webhookId: h.id, eventId: id, event: e.event, body })),
  );
  return id;
}

/** A ranking was recorded: `ranking.submitted`, and `prompt.settled` when it turned the prompt settled. */
export async function announceRanking(
  tx: DbOrTx,
  r: { projectId: string; rankingId: string; promptId: string; annotatorId: string; revisedFrom?: string; wasSettled: boolean; after: Prompt | null | undefined },
) {
  await emitWebhookEvent(tx, {
    projectId: r.projectId,
    event: "ranking.submitted",
    data: { rankingId: r.rankingId, promptId: r.promptId, annotatorId: r.annotatorId, revisedFrom: r.revisedFrom ?? null },
  });
  if (r.after?.settled && !r.wasSettled) await announceSettled(tx, r.after, "agreement");
}

/** `prompt.settled`: by agreement of its rankings, or a reviewer accepting them. */
export async function announceSettled(tx: DbOrTx, p: Prompt, by: "agreement" | "review") {
  await emitWebhookEvent(tx, {
    projectId: p.projectId,
    event: "prompt.settled",
    data: { promptId: p.id, by, rankings: p.rankingCount, agreement: p.agreement, consensus: p.consensus?.order ?? null },
  });
}
