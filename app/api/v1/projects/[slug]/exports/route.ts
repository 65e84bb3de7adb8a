// Snapshots of a project: list (reviewer), create (admin).
import { z } from "zod";
import { defineRoute } from "@/lib/api";
import { createExport, listExports } from "@/lib/exports/snapshot";
import { exportOptionsInput } from "@/lib/validation/exports";

export const GET = defineRoute<undefined, { slug: string }>({ role: "reviewer" }, async ({ actor, params }) => ({ exports: await listExports(actor, params.slug) }));

export const POST = defineRoute({ role: "admin", body: z.object({ options: exportOptionsInput.optional() }).strict() }, async ({ actor, body, params }) => {
  const snap = await createExport(actor, { projectSlug: (params as { slug: string }).slug, options: body.options });
  return Response.json({ id: snap.id, counts: snap.counts, duplicates: snap.duplicates }, { status: 201 });
});
