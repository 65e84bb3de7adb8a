// zod inputs for webhooks, shared by the admin page's actions, the API and the CLI.
import { z } from "zod";
import { WEBHOOK_EVENTS } from "@/lib/webhooks/events";
import { slugInput } from "./projects";

/** http(s) only, no credentials or fragment (a query is allowed: some receivers route by it). */
export const webhookUrlInput = z
  .string({ error: "URL is required" })
  .trim()
  .min(1, "URL is required")
  .max(2000, "URL is at most 2000 characters")
  .refine((v) => {
    try {
      const u = new URL(v);
      return (u.protocol === "http:" || u.protocol === "https:") && !u.username && !u.password && !u.hash && u.hostname.length > 0;
    } catch {
      return false;
    }
  }, "URL must be an http(s) URL without credentials or fragment (e.g. https://example.com/hooks/tuneloop)");

/** A list, or one string split on commas and whitespace (the form and the CLI flag); "*" means every event. */
export const webhookEventsInput = z.preprocess(
  (v) => (typeof v === "string" ? v.split(/[,\s]+/).filter(Boolean) : v),
  z
    .array(z.string({ error: "Each event must be text" }), { error: "Events must be a list" })
    .min(1, "Pick at least one event")
    .transform((list) => (list.includes("*") ? [...WEBHOOK_EVENTS] : list))
    .pipe(
      z
        .array(z.enum(WEBHOOK_EVENTS, { error: `Events are among ${WEBHOOK_EVENTS.join(", ")} (or *)` }))
        .refine((l) => new Set(l).size === l.length, "Each event at most once"),
    ),
);

export const addWebhookInput = z
  .object({
    projectSlug: slugInput,
    url: webhookUrlInput,
    events: webhookEventsInput,
    description: z.string({ error: "Description must be text" }).trim().max(200, "Description is at most 200 characters").optional(),
  })
  .strict();
export type AddWebhookInput = z.infer<typeof addWebhookInput>;

export const webhookRefInput = z.object({ projectSlug: slugInput, id: z.uuid({ error: "Webhook id must be a uuid" }) }).strict();
export type WebhookRefInput = z.infer<typeof webhookRefInput>;

export const listDeliveriesInput = webhookRefInput
  .extend({ limit: z.coerce.number({ error: "Limit must be a number" }).int("Limit must be a whole number").min(1, "Limit is at least 1").max(200, "Limit is at most 200").default(50) })
  .strict();
export type ListDeliveriesInput = z.infer<typeof listDeliveriesInput>;

export const redeliverInput = z.object({ projectSlug: slugInput, deliveryId: z.uuid({ error: "Delivery id must be a uuid" }) }).strict();
export type RedeliverInput = z.infer<typeof redeliverInput>;
