// Browser and API uploads: stream the request body to a temp file (at most 1 GB), import it, remove it.
import "server-only";
import { assertRole } from "@/lib/auth/roles";
import { createWriteStream } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { Readable, Transform } from "node:stream";
import { pipeline } from "node:stream/promises";
import type { ReadableStream as WebReadableStream } from "node:stream/web";
import { z } from "zod";
import { getDb } from "@/db/client";
import { AppError } from "@/lib/errors";
import { formatNames } from "@/lib/formats/import";
import { projectBySlugOr404, type AnyActor } from "@/lib/projects/projects";
import { slugInput } from "@/lib/validation/projects";
import { importFile, type ImportSummary } from "./import-file";
import { languageCodeInput } from "@/lib/languages/codes";

/** Uploads above this are refused with 413 (documented in the README). */
export const MAX_IMPORT_UPLOAD_BYTES = 1024 ** 3;

export const importUploadInput = z
  .object({
    projectSlug: slugInput,
    format: z.enum(formatNames, { error: `format must be one of ${formatNames.join(", ")}` }).optional(),
    filename: z.string().trim().max(500).optional(),
    language: languageCodeInput.optional(),
  })
  .strict();
export type ImportUploadInput = z.infer<typeof importUploadInput>;

function tooLarge() {
  return new AppError("too_large:import", `Upload over ${MAX_IMPORT_UPLOAD_BYTES / 1024 ** 3} GB; import larger files with \`tuneloop import\`.`);
}

export async function importUpload(
  actor: AnyActor | null,
  input: ImportUploadInput,
  upload: { body: ReadableStream<Uint8Array> | null; contentLength: number | null },
): Promise<ImportSummary> {
  assertRole(actor, "admin");
  if (upload.contentLength !== null && upload.contentLength > MAX_IMPORT_UPLOAD_BYTES) throw tooLarge();
  if (!upload.body) throw new AppError("bad_request:import", "The request has no file in its body.", { file: ["Choose a file"] });
  // Before reading a possibly large body: the project must exist.
  await projectBySlugOr404(getDb(), input.projectSlug);

  const dir = await mkdtemp(path.join(os.tmpdir(), "tuneloop-upload-"));
  try {
    const file = path.join(dir, "upload");
    let bytes = 0;
    const limit = new Transform({
      transform(chunk: Buffer, _enc, done) {
        bytes += chunk.length;
        done(bytes > MAX_IMPORT_UPLOAD_BYTES ? tooLarge() : null, chunk);
      },
    });
    await pipeline(Readable.fromWeb(upload.body as WebReadableStream<Uint8Array>), limit, createWriteStream(file));
    if (bytes === 0) throw new AppError("bad_request:import", "The uploaded file is empty.", { file: ["The file is empty"] });
    return await importFile(actor, { projectSlug: input.projectSlug, path: file, format: input.format, filename: input.filename || "upload", language: input.language });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
