// POST /api/v1/projects/:slug/webhooks/:id/enable: enable a webhook that was disabled after failing (its failure count starts again).
import { defineRoute } from "@/lib/api";
import { parseInput } from "@/lib/errors";
import { webhookRefInput } from "@/lib/validation/webhooks";
import { enableWebhook } from "@/lib/webhooks/webhooks";

export const POST = defineRoute<undefined, { slug: string; id: string }>({ role: "admin" }, async ({ actor, params }) =>
  enableWebhook(actor, parseInput(webhookRefInput, { projectSlug: params.slug, id: params.id }, "params")),
);
