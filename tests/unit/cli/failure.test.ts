// One line and an exit code for each kind of failure a CLI command meets (the errors are the libraries' own classes).
import { DrizzleQueryError } from "drizzle-orm/errors";
import { DatabaseError } from "pg-protocol";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { DatabaseInUseError } from "@/db/client";
import { UsageError } from "@/lib/cli/args";
import { describeFailure } from "@/lib/cli/failure";
import { AppError } from "@/lib/errors";

function serverError(message: string, code: string) {
  const e = new DatabaseError(message, message.length, "error");
  e.code = code;
  e.severity = "ERROR";
  return e;
}

describe("describeFailure", () => {
  it("bad input exits 2, a database held by another process 3", () => {
    expect(describeFailure(new UsageError("--project: is required"))).toEqual({ line: "--project: is required", code: 2 });
    expect(describeFailure(new AppError("not_found:project", 'No project "x".'))).toEqual({ line: 'No project "x".', code: 2 });
    expect(describeFailure(new DatabaseInUseError("in use by pid 12"))).toEqual({ line: "in use by pid 12", code: 3 });
    const zod = z.object({ steps: z.number().int() }).safeParse({ steps: 1.5 });
    expect(describeFailure(zod.error)).toEqual({ line: "invalid input: steps: Invalid input: expected int, received number", code: 2 });
  });

  it("a server-side error wrapped by drizzle shows the server's message and SQLSTATE, not the SQL", () => {
    const wrapped = new DrizzleQueryError('select "id" from "training_runs" where "id" = $1', ["c41f"], serverError('relation "training_runs" does not exist', "42P01"));
    expect(describeFailure(wrapped)).toEqual({ line: 'database error: relation "training_runs" does not exist (SQLSTATE 42P01)', code: 1 });
  });

  it("an unreachable server is named as such, also when node reports it as an AggregateError with no message", () => {
    const refused = Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:1"), { code: "ECONNREFUSED" });
    expect(describeFailure(refused).line).toBe("cannot reach the PostgreSQL server named by DATABASE_URL (connect ECONNREFUSED 127.0.0.1:1)");
    const both = new AggregateError([Object.assign(new Error("connect ECONNREFUSED ::1:5432"), { code: "ECONNREFUSED" }), Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:5432"), { code: "ECONNREFUSED" })], "");
    expect(describeFailure(both)).toEqual({ line: "cannot reach the PostgreSQL server named by DATABASE_URL (connect ECONNREFUSED ::1:5432, connect ECONNREFUSED 127.0.0.1:5432)", code: 1 });
  });

  it("anything else is its message on one line", () => {
    expect(describeFailure(new Error("first\n  second"))).toEqual({ line: "first; second", code: 1 });
    expect(describeFailure("plain string")).toEqual({ line: "plain string", code: 1 });
  });
});
