// POST /api/v1/projects/:slug/sources/collect-runs: queue a collect run (201); GET: the project's recent collect runs.
import { defineRoute } from "@/lib/api";
import { listCollectRuns, startCollect } from "@/lib/sources/collect";
import { collectInput } from "@/lib/validation/sources";

const collectBody = collectInput.omit({ projectSlug: true });

export const POST = defineRoute<typeof collectBody, { slug: string }>({ role: "admin", body: collectBody }, async ({ actor, body, params }) => {
  const run = await startCollect(actor, { ...body, projectSlug: params.slug });
  return Response.json(run, { status: 201, headers: { location: `/api/v1/projects/${params.slug}/sources/collect-runs/${run.id}` } });
});

export const GET = defineRoute<undefined, { slug: string }>({ role: "admin" }, async ({ actor, params }) => ({ runs: await listCollectRuns(actor, params.slug) }));
