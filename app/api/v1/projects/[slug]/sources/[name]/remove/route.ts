// POST /api/v1/projects/:slug/sources/:name/remove: remove a source (the outputs it wrote stay attributed to it).
import { defineRoute } from "@/lib/api";
import { parseInput } from "@/lib/errors";
import { removeSource } from "@/lib/sources/sources";
import { sourceRefInput } from "@/lib/validation/sources";

export const POST = defineRoute<undefined, { slug: string; name: string }>({ role: "admin" }, async ({ actor, params }) =>
  removeSource(actor, parseInput(sourceRefInput, { projectSlug: params.slug, name: params.name }, "params")),
);
