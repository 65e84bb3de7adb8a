// POST /api/v1/projects/:slug/webhooks/deliveries/:id/redeliver: send a delivery's event again (a new delivery, same event id; 201).
import { defineRoute } from "@/lib/api";
import { parseInput } from "@/lib/errors";
import { redeliverInput } from "@/lib/validation/webhooks";
import { redeliver } from "@/lib/webhooks/webhooks";

export const POST = defineRoute<undefined, { slug: string; id: string }>({ role: "admin" }, async ({ actor, params }) => {
  const delivery = await redeliver(actor, parseInput(redeliverInput, { projectSlug: params.slug, deliveryId: params.id }, "params"));
  return Response.json(delivery, { status: 201 });
});
