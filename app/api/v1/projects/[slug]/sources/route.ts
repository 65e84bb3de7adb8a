// GET /api/v1/projects/:slug/sources: the project's model sources (never their keys); POST: add one (201).
import { defineRoute } from "@/lib/api";
import { addSource, listSources } from "@/lib/sources/sources";
import { addSourceInput } from "@/lib/validation/sources";

const addSourceBody = addSourceInput.omit({ projectSlug: true });

export const GET = defineRoute<undefined, { slug: string }>({ role: "admin" }, async ({ actor, params }) => ({ sources: await listSources(actor, params.slug) }));

export const POST = defineRoute<typeof addSourceBody, { slug: string }>({ role: "admin", body: addSourceBody }, async ({ actor, body, params }) => {
  const source = await addSource(actor, { ...body, projectSlug: params.slug });
  return Response.json(source, { status: 201 });
});
