// Lib functions take parsed input; tests parse at the boundary as actions, routes and the CLI do (parseInput's errors name the field).
import type { z } from "zod";
import { parseInput } from "@/lib/errors";

/** The parsed value, or the AppError the boundary would answer with (thrown). */
export function parsed<S extends z.ZodType>(schema: S, raw: unknown): z.infer<S> {
  return parseInput(schema, raw, "input");
}

/** Parse then call, as one promise: a bad input rejects with the boundary's 400, a good one runs the lib function. */
export async function withInput<S extends z.ZodType, T>(schema: S, raw: unknown, fn: (input: z.infer<S>) => Promise<T>): Promise<T> {
  return fn(parseInput(schema, raw, "input"));
}
