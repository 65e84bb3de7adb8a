// POST /api/v1/runs/:id/cancel: a queued run is cancelled at once, a running one at its next step.
import { defineRoute } from "@/lib/api";
import { cancelRun } from "@/lib/runs/runs";

export const POST = defineRoute<undefined, { id: string }>({ role: "admin" }, async ({ actor, params }) => ({ run: await cancelRun(actor, params.id) }));
