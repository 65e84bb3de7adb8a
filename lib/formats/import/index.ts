// Streaming import of instruction, demonstration and preference files into normalized records.
import { z } from "zod";
import { detectFormat } from "./detect-format";
import { rowFormats } from "./formats";
import { ImportRowError } from "./import-row-error";
import type { ImportSource } from "./open-source";
import { readJsonRows } from "./read-json-rows";
import { formatNames, type FormatName, type ImportRecord } from "./types";

export { contentHash, promptKeyHash } from "./content-hash";
export { detectFormat } from "./detect-format";
export { ImportRowError } from "./import-row-error";
export type { ImportSource } from "./open-source";
export { formatNames, promptGroupedFormats, type FormatName, type ImportCompletion, type ImportConversation, type ImportRecord, type OasstNode } from "./types";

export const importFormatInput = z.enum(formatNames, {
  error: `format must be one of ${formatNames.join(", ")}`,
});

export type ParseImportFileOptions = {
  /** Overrides detection from the first row. */
  format?: FormatName;
};

/**
 * Yields one validated ImportRecord per row of a JSONL or JSON-array file (a path or a
 * stream; gzip detected by its magic bytes). The format is `opts.format` or detected from the
 * first row. Rows are read, validated and yielded one at a time, so memory holds the read
 * buffer and the current row (bounded by the largest row), not the file; the first bad row throws an ImportRowError naming its line and
 * field (callers import all-or-nothing inside one transaction). Stopping the iteration
 * early closes the file.
 */
export async function* parseImportFile(
  source: ImportSource,
  opts: ParseImportFileOptions = {},
): AsyncGenerator<ImportRecord> {
  let format = opts.format ? rowFormats[importFormatInput.parse(opts.format)] : null;
  for await (const { line, value } of readJsonRows(source)) {
    if (!format) {
      const name = detectFormat(value);
      if (!name) {
        const fields = value && typeof value === "object" ? Object.keys(value).join(", ") || "none" : typeof value;
        throw new ImportRowError(line, null, `cannot tell the format from the fields (${fields}); name one of ${formatNames.join(", ")}`);
      }
      format = rowFormats[name];
    }
    yield format.parse(value, line);
  }
}

/** The format of a file's first row (reading only that row), or null when it fits none or the file is empty. */
export async function detectFileFormat(source: ImportSource): Promise<FormatName | null> {
  for await (const { value } of readJsonRows(source)) return detectFormat(value);
  return null;
}
