// GET /api/v1/runs/:id?metricsAfter=<metric id>: the run's status and progress, and its metrics after that id.
import { z } from "zod";
import { defineRoute } from "@/lib/api";
import { parseInput } from "@/lib/errors";
import { getRun } from "@/lib/runs/runs";

const query = z.object({ metricsAfter: z.coerce.number({ message: "metricsAfter must be a metric id" }).int().min(0).optional() });

export const GET = defineRoute<undefined, { id: string }>({ role: "reviewer" }, async ({ actor, params, req }) => {
  const after = new URL(req.url).searchParams.get("metricsAfter");
  const { metricsAfter } = parseInput(query, { metricsAfter: after || undefined }, "query");
  return getRun(actor, params.id, { metricsAfter });
});
