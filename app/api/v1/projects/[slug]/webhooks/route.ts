// GET /api/v1/projects/:slug/webhooks: the project's webhooks (never their secrets); POST: add one (201, its signing secret shown this once).
import { defineRoute } from "@/lib/api";
import { addWebhookInput } from "@/lib/validation/webhooks";
import { addWebhook, listWebhooks } from "@/lib/webhooks/webhooks";

const addWebhookBody = addWebhookInput.omit({ projectSlug: true });

export const GET = defineRoute<undefined, { slug: string }>({ role: "admin" }, async ({ actor, params }) => ({ webhooks: await listWebhooks(actor, params.slug) }));

export const POST = defineRoute<typeof addWebhookBody, { slug: string }>({ role: "admin", body: addWebhookBody }, async ({ actor, body, params }) => {
  const hook = await addWebhook(actor, { ...body, projectSlug: params.slug });
  return Response.json(hook, { status: 201 });
});
