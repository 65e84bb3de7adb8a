// One snapshot: its counts, filters and manifest.
import { defineRoute } from "@/lib/api";
import { getExport } from "@/lib/exports/snapshot";

export const GET = defineRoute<undefined, { slug: string; id: string }>({ role: "reviewer" }, ({ actor, params }) => getExport(actor, params.slug, params.id));
