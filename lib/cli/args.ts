// Flag parsing for CLI commands: node's parseArgs, then zod, with one clear line on bad input.
import { parseArgs } from "node:util";
import { z } from "zod";
import { describeFieldErrors, zodFieldErrors } from "@/lib/errors";

export class UsageError extends Error {}

type FlagSpec = Record<string, { type: "string" | "boolean"; short?: string; multiple?: boolean }>;

export function parseFlags<S extends z.ZodType>(argv: string[], flags: FlagSpec, schema: S): { values: z.infer<S>; positionals: string[] } {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, options: flags, allowPositionals: true, strict: true });
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  const result = schema.safeParse(parsed.values);
  if (!result.success) throw new UsageError(describeFieldErrors(zodFieldErrors(result.error)).replace(/(^|; )(\w)/g, "$1--$2"));
  return { values: result.data, positionals: parsed.positionals };
}

export async function readStdin(): Promise<string> {
  if (process.stdin.isTTY) return "";
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}
