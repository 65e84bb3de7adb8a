// GET /api/v1/projects/:slug/webhooks/:id/deliveries?limit=N: the delivery log, newest first, each with its attempts.
import { defineRoute } from "@/lib/api";
import { parseInput } from "@/lib/errors";
import { listDeliveriesInput } from "@/lib/validation/webhooks";
import { listDeliveries } from "@/lib/webhooks/webhooks";

export const GET = defineRoute<undefined, { slug: string; id: string }>({ role: "admin" }, async ({ actor, params, req }) => {
  const limit = new URL(req.url).searchParams.get("limit") ?? undefined;
  return { deliveries: await listDeliveries(actor, parseInput(listDeliveriesInput, { projectSlug: params.slug, id: params.id, limit }, "query")) };
});
