// One error type for expected failures; its kind maps to an HTTP status.
import { z } from "zod";

const statusByKind = {
  bad_request: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  too_large: 413,
  /** well-formed but cannot be carried out as asked (a training run that cannot fit in memory, or has no data for its stage) */
  unprocessable: 422,
  rate_limit: 429,
  unavailable: 503,
} as const;

export type ErrorKind = keyof typeof statusByKind;
export type FieldErrors = Record<string, string[]>;

/**
 * Where an expected failure arose: one closed list, so a mistyped code is a tsc error (as vercel/ai-chatbot's
 * ChatSDKError does it). A new surface is added here, in its alphabetical place.
 */
export const surfaces = [
  // roles: "forbidden:<role>" from assertRole
  "admin", "annotator", "reviewer",
  // what was asked for
  "already_submitted", "answers", "arena", "auth", "base", "base_model", "battle", "body", "collect", "compare", "completion",
  "context_length", "export", "file", "flags", "format", "generate", "generation_queue", "gold", "id", "import", "input",
  "invite", "job", "last_admin", "launcher", "leaderboard", "lease", "model", "openai", "order", "origin", "params",
  "project", "prompt", "quality", "query", "questions", "queue", "ranking", "review", "rewrite", "run", "setup", "snapshot", "source",
  "source_key", "task", "token", "tokens", "user", "version", "webhook", "webhook_delivery", "webhook_secret",
] as const;
export type Surface = (typeof surfaces)[number];

/** "<kind>:<surface>", e.g. "forbidden:admin" or "bad_request:invite"; the kind gives the HTTP status. */
export type ErrorCode = `${ErrorKind}:${Surface}`;

export class AppError extends Error {
  readonly kind: ErrorKind;
  readonly surface: Surface;
  readonly fieldErrors?: FieldErrors;
  constructor(code: ErrorCode, message: string, fieldErrors?: FieldErrors) {
    super(message);
    const [kind, surface] = code.split(":") as [ErrorKind, Surface];
    this.kind = kind;
    this.surface = surface;
    this.fieldErrors = fieldErrors;
  }
  get code(): ErrorCode {
    return `${this.kind}:${this.surface}`;
  }
  get status() {
    return statusByKind[this.kind];
  }
}

export function isAppError(e: unknown): e is AppError {
  return e instanceof AppError;
}

/** Flattens a zod error to field → messages, keyed by the dotted path ("settings.k"). */
export function zodFieldErrors(error: z.ZodError): FieldErrors {
  const out: FieldErrors = {};
  for (const issue of error.issues) {
    const key = issue.path.length ? issue.path.join(".") : "_";
    (out[key] ??= []).push(issue.message);
  }
  return out;
}

/** A readable one-liner naming the fields: `email: Invalid email; role: …`. */
export function describeFieldErrors(fieldErrors: FieldErrors): string {
  return Object.entries(fieldErrors)
    .map(([field, msgs]) => `${field}: ${msgs.join(", ")}`)
    .join("; ");
}


/** A high surrogate not followed by a low one, or a low one not preceded by a high one. */
const loneSurrogate = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** Why PostgreSQL cannot store a string as sent (text and jsonb refuse NUL; lone surrogates are not Unicode), or null. */
export function unsafeTextReason(s: string): string | null {
  if (s.includes("\u0000")) return "must not contain NUL bytes (\\u0000)";
  if (loneSurrogate.test(s)) return "must not contain unpaired surrogates (invalid Unicode)";
  return null;
}

/** The first string in `value` (object keys included) that cannot be stored, as field errors keyed like zodFieldErrors. */
export function unsafeTextErrors(value: unknown, path: Array<string | number> = []): FieldErrors | null {
  const at = (p: Array<string | number>) => (p.length ? p.join(".") : "_");
  if (typeof value === "string") {
    const reason = unsafeTextReason(value);
    return reason ? { [at(path)]: [reason] } : null;
  }
  // Deeper than any input we accept; zod refuses such shapes anyway.
  if (value === null || typeof value !== "object" || path.length > 32) return null;
  const entries: Array<[string | number, unknown]> = Array.isArray(value) ? value.map((v, i) => [i, v]) : Object.entries(value);
  for (const [key, v] of entries) {
    const reason = typeof key === "string" ? unsafeTextReason(key) : null;
    if (reason) return { [at([...path, key])]: [`Field name ${reason}`] };
    const found = unsafeTextErrors(v, [...path, key]);
    if (found) return found;
  }
  return null;
}

/** Parses or throws an AppError that names the fields. */
export function parseInput<S extends z.ZodType>(schema: S, input: unknown, surface: Surface): z.infer<S> {
  const unsafe = unsafeTextErrors(input);
  if (unsafe) throw new AppError(`bad_request:${surface}`, `Invalid input: ${describeFieldErrors(unsafe)}`, unsafe);
  const result = schema.safeParse(input);
  if (!result.success) {
    const fieldErrors = zodFieldErrors(result.error);
    throw new AppError(`bad_request:${surface}`, `Invalid input: ${describeFieldErrors(fieldErrors)}`, fieldErrors);
  }
  return result.data;
}

/** JSON response for a route handler; unexpected errors are logged and answered with a generic 500. */
export function toResponse(e: unknown): Response {
  if (isAppError(e)) {
    return Response.json(
      { error: { code: e.code, message: e.message, ...(e.fieldErrors ? { fieldErrors: e.fieldErrors } : {}) } },
      { status: e.status },
    );
  }
  console.error("[tuneloop] unexpected error", e);
  return Response.json({ error: { code: "internal", message: "Something went wrong on our side." } }, { status: 500 });
}
