// The error an import throws for a bad row: it names the line and the field.
import { AppError } from "@/lib/errors";
import type { z } from "zod";

/**
 * `line 17: field "instruction": expected a non-empty string`. An AppError of kind
 * bad_request, so a route answers 400 with the field in fieldErrors; imports are
 * all-or-nothing, so the first bad row stops the import.
 */
export class ImportRowError extends AppError {
  readonly line: number;
  /** Dotted path with [i] for array items, e.g. `instances[0].output`; null for a whole-row problem. */
  readonly field: string | null;
  readonly reason: string;
  constructor(line: number, field: string | null, reason: string) {
    super(
      "bad_request:import",
      `line ${line}: ${field ? `field "${field}": ` : ""}${reason}`,
      { [field ?? "_"]: [`line ${line}: ${reason}`] },
    );
    this.name = "ImportRowError";
    this.line = line;
    this.field = field;
    this.reason = reason;
  }
}

/** The first zod issue of a failed row as an ImportRowError. */
export function importRowErrorFromZod(line: number, error: z.ZodError): ImportRowError {
  const issue = error.issues[0];
  const field = issue.path.length ? formatPath(issue.path) : null;
  return new ImportRowError(line, field, issue.message);
}

function formatPath(path: PropertyKey[]): string {
  return path.reduce<string>(
    (out, key) => (typeof key === "number" ? `${out}[${key}]` : out ? `${out}.${String(key)}` : String(key)),
    "",
  );
}
