// The `webhook` job: one signed attempt at one delivery (lib/webhooks/deliver.ts does the work).
import { z } from "zod";
import { parseInput } from "@/lib/errors";
import { attemptDelivery, type WebhookPolicy } from "@/lib/webhooks/deliver";

export const webhookJobInput = z.object({ deliveryId: z.uuid() }).strict();

export async function runWebhookJob(data: unknown, policy?: WebhookPolicy) {
  const { deliveryId } = parseInput(webhookJobInput, data, "job");
  return attemptDelivery(deliveryId, policy);
}
