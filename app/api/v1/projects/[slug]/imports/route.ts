// POST /api/v1/projects/:slug/imports?format=F&filename=N&language=L: the raw file as the body (gzip allowed), imported all-or-nothing.
import { defineRoute } from "@/lib/api";
import { parseInput } from "@/lib/errors";
import { importUpload, importUploadInput } from "@/lib/imports/upload";

// The body is streamed to a temp file, not parsed as JSON: defineRoute is given no body schema; the path and query are parsed here.
export const POST = defineRoute<undefined, { slug: string }>({ role: "admin" }, async ({ actor, params, req }) => {
  const url = new URL(req.url);
  const declared = req.headers.get("content-length");
  const input = parseInput(
    importUploadInput,
    { projectSlug: params.slug, format: url.searchParams.get("format") || undefined, filename: url.searchParams.get("filename") || undefined, language: url.searchParams.get("language") || undefined },
    "import",
  );
  return importUpload(actor, input, { body: req.body, contentLength: declared ? Number(declared) : null });
});
