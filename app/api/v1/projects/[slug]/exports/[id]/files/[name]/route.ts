// Downloads one file of a snapshot, streamed from disk.
import { Readable } from "node:stream";
import { defineRoute } from "@/lib/api";
import { openExportFile } from "@/lib/exports/snapshot";

export const GET = defineRoute<undefined, { slug: string; id: string; name: string }>({ role: "reviewer" }, async ({ actor, params }) => {
  const file = await openExportFile(actor, params.slug, params.id, params.name);
  return new Response(Readable.toWeb(file.stream) as ReadableStream, {
    headers: {
      "content-type": params.name.endsWith(".md") ? "text/markdown; charset=utf-8" : "application/json; charset=utf-8",
      "content-length": String(file.size),
      "content-disposition": `attachment; filename="${params.name}"`,
    },
  });
});
