// POST /api/v1/projects/:slug/webhooks/:id/remove: remove a webhook (its waiting deliveries are given up; the log stays).
import { defineRoute } from "@/lib/api";
import { parseInput } from "@/lib/errors";
import { webhookRefInput } from "@/lib/validation/webhooks";
import { removeWebhook } from "@/lib/webhooks/webhooks";

export const POST = defineRoute<undefined, { slug: string; id: string }>({ role: "admin" }, async ({ actor, params }) =>
  removeWebhook(actor, parseInput(webhookRefInput, { projectSlug: params.slug, id: params.id }, "params")),
);
