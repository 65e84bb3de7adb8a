// `tuneloop source add|list|test|remove`: a project's OpenAI-compatible model sources from the shell (acting as the operator).
import { z } from "zod";
import { getConnection } from "@/db/client";
import { migrateDatabase } from "@/db/migrate";
import { namedVariable } from "@/lib/env";
import { describeFieldErrors, zodFieldErrors } from "@/lib/errors";
import { systemActor } from "@/lib/projects/system-actor";
import { addSource, listSources, removeSource, testSource, type SourceView } from "@/lib/sources/sources";
import { addSourceInput, sourceRefInput } from "@/lib/validation/sources";
import { parseFlags, UsageError } from "../args";

const USAGE =
  "expected: source add --project S --name N --base-url URL --model M [--api-key-env VAR] [--temperature T --top-p P --max-tokens N --concurrency C --timeout-s S --retries R] " +
  "| source list --project S [--json] | source test --project S --name N | source remove --project S --name N";

/** Input fields by the flag a person typed, so an error names the flag. */
const flagOf: Record<string, string> = { projectSlug: "project", baseUrl: "base-url", apiKey: "api-key-env", topP: "top-p", maxTokens: "max-tokens", timeoutS: "timeout-s", maxRetries: "retries" };

function parseAs<S extends z.ZodType>(schema: S, input: unknown): z.infer<S> {
  const r = schema.safeParse(input);
  if (r.success) return r.data;
  const errors = Object.fromEntries(Object.entries(zodFieldErrors(r.error)).map(([k, v]) => [`--${flagOf[k] ?? k}`, v]));
  throw new UsageError(describeFieldErrors(errors));
}

const str = z.string().optional();
const refFlags = { project: { type: "string" }, name: { type: "string" } } as const;
const refValues = z.object({ project: str, name: str }).strict();

function describe(s: SourceView): string {
  const t = s.settings;
  return `${s.name}: ${s.model} at ${s.baseUrl}${s.hasApiKey ? " (API key stored)" : ""}; temperature=${t.temperature} top-p=${t.topP} max-tokens=${t.maxTokens} concurrency=${t.concurrency} timeout-s=${t.timeoutS} retries=${t.maxRetries}`;
}

export async function sourceCommand(argv: string[]): Promise<number> {
  const [sub, ...rest] = argv;
  if (sub === "add") {
    const { values: v } = parseFlags(
      rest,
      {
        ...refFlags,
        "base-url": { type: "string" },
        model: { type: "string" },
        "api-key-env": { type: "string" },
        temperature: { type: "string" },
        "top-p": { type: "string" },
        "max-tokens": { type: "string" },
        concurrency: { type: "string" },
        "timeout-s": { type: "string" },
        retries: { type: "string" },
        json: { type: "boolean" },
      },
      z.object({ project: str, name: str, "base-url": str, model: str, "api-key-env": str, temperature: str, "top-p": str, "max-tokens": str, concurrency: str, "timeout-s": str, retries: str, json: z.boolean().optional() }).strict(),
    );
    let apiKey: string | undefined;
    if (v["api-key-env"] !== undefined) {
      apiKey = namedVariable(v["api-key-env"]);
      if (!apiKey) throw new UsageError(`--api-key-env: the variable ${v["api-key-env"]} is not set or empty`);
    }
    const input = parseAs(addSourceInput, {
      projectSlug: v.project,
      name: v.name,
      baseUrl: v["base-url"],
      model: v.model,
      apiKey,
      temperature: v.temperature,
      topP: v["top-p"],
      maxTokens: v["max-tokens"],
      concurrency: v.concurrency,
      timeoutS: v["timeout-s"],
      maxRetries: v.retries,
    });
    await migrateDatabase(getConnection());
    const s = await addSource(systemActor, input);
    console.log(v.json ? JSON.stringify(s) : `Added source ${describe(s)}`);
    return 0;
  }
  if (sub === "list") {
    const { values: v } = parseFlags(rest, { project: { type: "string" }, json: { type: "boolean" } }, z.object({ project: str, json: z.boolean().optional() }).strict());
    const { projectSlug } = parseAs(sourceRefInput.pick({ projectSlug: true }), { projectSlug: v.project });
    await migrateDatabase(getConnection());
    const list = await listSources(systemActor, projectSlug);
    if (v.json) console.log(JSON.stringify(list));
    else if (!list.length) console.log(`No sources in ${projectSlug}.`);
    else for (const s of list) console.log(describe(s));
    return 0;
  }
  if (sub === "test" || sub === "remove") {
    const { values: v } = parseFlags(rest, refFlags, refValues);
    const ref = parseAs(sourceRefInput, { projectSlug: v.project, name: v.name });
    await migrateDatabase(getConnection());
    if (sub === "remove") {
      const r = await removeSource(systemActor, ref);
      console.log(`Removed source ${r.name}; the outputs it wrote stay, attributed to it.`);
      return 0;
    }
    const r = await testSource(systemActor, ref);
    if (r.ok) console.log(`ok: ${ref.name} answered in ${r.ms} ms: ${JSON.stringify(r.reply)}`);
    else console.error(`failed (${r.failure}) after ${r.ms} ms: ${r.error}`);
    return r.ok ? 0 : 1;
  }
  throw new UsageError(`unknown subcommand "${sub ?? ""}"; ${USAGE}`);
}
