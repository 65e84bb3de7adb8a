// POST /api/v1/projects/:slug/runs: queue a training run (201 {id, status}); GET: the project's runs, newest first.
import { defineRoute } from "@/lib/api";
import { createRun, listRuns } from "@/lib/runs/runs";
import { createRunInput } from "@/lib/validation/runs";

/** The project comes from the path; the body holds stage, base, snapshotId? and hyperparameters. */
const createRunBody = createRunInput.omit({ projectSlug: true });

export const POST = defineRoute<typeof createRunBody, { slug: string }>({ role: "admin", body: createRunBody }, async ({ actor, body, params }) => {
  const run = await createRun(actor, { ...body, projectSlug: params.slug });
  return Response.json(run, { status: 201, headers: { location: `/api/v1/runs/${run.id}` } });
});

export const GET = defineRoute<undefined, { slug: string }>({ role: "reviewer" }, async ({ actor, params }) => ({ runs: await listRuns(actor, params.slug) }));
