// What a failed CLI command prints: one line and an exit code (2 bad input, 3 database in use, 1 anything else).
import { z } from "zod";
import { DatabaseInUseError } from "@/db/client";
import { describeFieldErrors, isAppError, zodFieldErrors } from "@/lib/errors";
import { UsageError } from "./args";

export type Failure = { line: string; code: 1 | 2 | 3 };

/** Network error codes that mean the database server was never reached. */
const UNREACHABLE = new Set(["ECONNREFUSED", "ENOTFOUND", "EAI_AGAIN", "ETIMEDOUT", "EHOSTUNREACH", "ENETUNREACH", "ECONNRESET"]);

type WithCode = Error & { code?: unknown; severity?: unknown; errors?: unknown[] };

function oneLine(text: string): string {
  return text.replace(/\s*\n\s*/g, "; ").trim();
}

/** node's connect() to a host with several addresses fails with an AggregateError whose own message is empty. */
function networkCode(e: WithCode): string | null {
  if (typeof e.code === "string" && UNREACHABLE.has(e.code)) return e.code;
  const inner = Array.isArray(e.errors) ? (e.errors as WithCode[]).find((x) => typeof x?.code === "string" && UNREACHABLE.has(x.code)) : undefined;
  return inner ? String(inner.code) : null;
}

export function describeFailure(e: unknown): Failure {
  if (e instanceof UsageError) return { line: oneLine(e.message), code: 2 };
  if (e instanceof DatabaseInUseError) return { line: oneLine(e.message), code: 3 };
  if (isAppError(e)) return { line: oneLine(e.message), code: e.status < 500 ? 2 : 1 };
  if (e instanceof z.ZodError) return { line: `invalid input: ${describeFieldErrors(zodFieldErrors(e))}`, code: 2 };
  if (!(e instanceof Error)) return { line: oneLine(String(e)), code: 1 };
  // drizzle wraps the driver's error as "Failed query: <sql> params: …"; the cause says what went wrong.
  if (e.cause instanceof Error && /^Failed query/.test(e.message)) return describeFailure(e.cause);
  const err = e as WithCode;
  const net = networkCode(err);
  if (net) {
    const detail = err.message || (err.errors as Error[] | undefined)?.map((x) => x.message).join(", ") || net;
    return { line: `cannot reach the PostgreSQL server named by DATABASE_URL (${oneLine(detail)})`, code: 1 };
  }
  // node-postgres's errors carry the server's SQLSTATE and severity.
  if (typeof err.code === "string" && /^[0-9A-Z]{5}$/.test(err.code) && typeof err.severity === "string") {
    return { line: `database error: ${oneLine(err.message)} (SQLSTATE ${err.code})`, code: 1 };
  }
  return { line: oneLine(err.message || err.name), code: 1 };
}
