// POST /api/v1/projects/:slug/sources/:name/test: one short request to the source; {ok, reply} or {ok: false, failure, error}.
import { defineRoute } from "@/lib/api";
import { parseInput } from "@/lib/errors";
import { testSource } from "@/lib/sources/sources";
import { sourceRefInput } from "@/lib/validation/sources";

export const POST = defineRoute<undefined, { slug: string; name: string }>({ role: "admin" }, async ({ actor, params }) =>
  testSource(actor, parseInput(sourceRefInput, { projectSlug: params.slug, name: params.name }, "params")),
);
