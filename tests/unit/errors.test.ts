// AppError codes: a closed union of kind:surface (a typo fails tsc), each kind with its HTTP status, and parseInput naming the field.
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { AppError, parseInput, surfaces, toResponse } from "@/lib/errors";

describe("AppError", () => {
  it("splits its code into kind and surface, and maps the kind to a status", () => {
    const e = new AppError("conflict:last_admin", "Keep one admin.");
    expect([e.kind, e.surface, e.code, e.status]).toEqual(["conflict", "last_admin", "conflict:last_admin", 409]);
    expect(new AppError("unprocessable:run", "x").status).toBe(422);
    expect(new AppError("forbidden:reviewer", "x").status).toBe(403);
  });

  it("refuses, at compile time, a surface that is not in the list", () => {
    // @ts-expect-error "projcet" is not a surface: tsc fails here if the union ever opens up to any string
    const typo = new AppError("not_found:projcet", "x");
    // @ts-expect-error "missing" is not a kind
    const badKind = new AppError("missing:project", "x");
    expect(typo.surface).toBe("projcet");
    expect(badKind.status).toBeUndefined();
  });

  it("lists each surface once", () => {
    expect(new Set(surfaces).size).toBe(surfaces.length);
  });

  it("parses once at the boundary: a bad field is a 400 that names it; text PostgreSQL cannot store is refused first", async () => {
    const schema = z.object({ k: z.number().int().min(2, "k is at least 2") }).strict();
    expect(parseInput(schema, { k: 3 }, "project")).toEqual({ k: 3 });
    const bad = (() => {
      try {
        parseInput(schema, { k: 1 }, "project");
      } catch (e) {
        return e as AppError;
      }
    })();
    expect(bad).toMatchObject({ code: "bad_request:project", status: 400, fieldErrors: { k: ["k is at least 2"] } });
    expect(() => parseInput(schema, { "k\u0000": 3 }, "project")).toThrow(/NUL/);
    const res = toResponse(bad);
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ error: { code: "bad_request:project", fieldErrors: { k: ["k is at least 2"] } } });
  });
});
