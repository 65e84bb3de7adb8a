// Snapshots of a project: list (reviewer), create (admin).
import { defineRoute } from "@/lib/api";
import { createExport, listExports } from "@/lib/exports/snapshot";
import { createExportInput } from "@/lib/validation/exports";

/** The API names the options only: the app writes snapshots under its data folder. */
const createExportBody = createExportInput.pick({ options: true }).strict();

export const GET = defineRoute<undefined, { slug: string }>({ role: "reviewer" }, async ({ actor, params }) => ({ exports: await listExports(actor, params.slug) }));

export const POST = defineRoute<typeof createExportBody, { slug: string }>({ role: "admin", body: createExportBody }, async ({ actor, body, params }) => {
  const snap = await createExport(actor, { projectSlug: params.slug, options: body.options });
  return Response.json({ id: snap.id, counts: snap.counts, duplicates: snap.duplicates }, { status: 201 });
});
