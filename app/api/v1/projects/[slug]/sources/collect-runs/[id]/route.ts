// GET /api/v1/projects/:slug/sources/collect-runs/:id: a collect run's status, progress and per-source report.
import { defineRoute } from "@/lib/api";
import { getCollectRun } from "@/lib/sources/collect";

export const GET = defineRoute<undefined, { slug: string; id: string }>({ role: "admin" }, async ({ actor, params }) => getCollectRun(actor, params.slug, params.id));
