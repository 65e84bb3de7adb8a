// Downloads a whole snapshot as zip or tar.gz, streamed (nothing is built in memory).
import { Readable } from "node:stream";
import { defineRoute } from "@/lib/api";
import { streamSnapshotArchive } from "@/lib/exports/archive";
import { exportDir } from "@/lib/exports/snapshot";
import { AppError } from "@/lib/errors";

export const GET = defineRoute<undefined, { slug: string; id: string }>({ role: "reviewer" }, async ({ actor, params, req }) => {
  const format = new URL(req.url).searchParams.get("format") ?? "zip";
  if (format !== "zip" && format !== "tar.gz") throw new AppError("bad_request:format", "format must be zip or tar.gz", { format: ["zip or tar.gz"] });
  const { dir, files } = await exportDir(actor, params.slug, params.id);
  const archive = streamSnapshotArchive(dir, files, format);
  return new Response(Readable.toWeb(archive) as ReadableStream, {
    headers: {
      "content-type": format === "zip" ? "application/zip" : "application/gzip",
      "content-disposition": `attachment; filename="snapshot-${params.id}.${format}"`,
    },
  });
});
