// zod inputs for model sources and collect runs, shared by the admin panel's actions, the API and the CLI.
import { z } from "zod";
import type { SourceSettings } from "@/db/schema";
import { slugInput } from "./projects";

export const defaultSourceSettings: SourceSettings = { temperature: 0.8, topP: 0.95, maxTokens: 256, concurrency: 4, timeoutS: 60, maxRetries: 3 };

/** Form fields and CLI flags arrive as strings: "" means not given, anything else must read as a number. */
function num(label: string, schema: z.ZodNumber) {
  return z.preprocess(
    (v) => (v === "" || v === null ? undefined : typeof v === "string" ? Number(v.trim()) : v),
    schema.refine(Number.isFinite, `${label} must be a number`).optional(),
  );
}
const int = (label: string, min: number, max: number) =>
  num(label, z.number({ error: `${label} must be a number` }).int(`${label} must be a whole number`).min(min, `${label} is at least ${min}`).max(max, `${label} is at most ${max}`));

const settingsShape = {
  temperature: num("Temperature", z.number({ error: "Temperature must be a number" }).min(0, "Temperature is between 0 and 2").max(2, "Temperature is between 0 and 2")),
  topP: num("Top-p", z.number({ error: "Top-p must be a number" }).gt(0, "Top-p is above 0 and at most 1").max(1, "Top-p is above 0 and at most 1")),
  maxTokens: int("Max tokens", 1, 32_768),
  concurrency: int("Concurrency", 1, 64),
  timeoutS: int("Timeout (seconds)", 1, 600),
  maxRetries: int("Retries", 0, 10),
};

/** Shown on the leaderboard beside version labels and used in URLs: letters, digits and . _ : - (e.g. `llama-3.1-8b`). */
export const sourceNameInput = z
  .string({ error: "Name is required" })
  .trim()
  .min(1, "Name is required")
  .max(64, "Name is at most 64 characters")
  .regex(/^[A-Za-z0-9][A-Za-z0-9._:-]*$/, "Name uses letters, digits and . _ : - (e.g. llama-3.1-8b)")
  .refine((v) => v !== "collect-runs", "collect-runs is reserved (it names the API's collect runs)");

export const baseUrlInput = z
  .string({ error: "Base URL is required" })
  .trim()
  .min(1, "Base URL is required")
  .max(2000, "Base URL is at most 2000 characters")
  .refine((v) => {
    try {
      const u = new URL(v);
      return (u.protocol === "http:" || u.protocol === "https:") && !u.username && !u.password && !u.search && !u.hash;
    } catch {
      return false;
    }
  }, "Base URL must be an http(s) URL without credentials, query or fragment (e.g. http://127.0.0.1:8000/v1)")
  .transform((v) => v.replace(/\/+$/, ""));

const apiKeyInput = z
  .string({ error: "API key must be text" })
  .max(4096, "API key is at most 4096 characters")
  .regex(/^[\x21-\x7e]*$/, "API key must be printable ASCII without spaces")
  .transform((v) => (v === "" ? undefined : v))
  .optional();

export const addSourceInput = z
  .object({
    projectSlug: slugInput,
    name: sourceNameInput,
    baseUrl: baseUrlInput,
    model: z.string({ error: "Model is required" }).trim().min(1, "Model is required").max(256, "Model is at most 256 characters"),
    apiKey: apiKeyInput,
    ...settingsShape,
  })
  .strict();
export type AddSourceInput = z.infer<typeof addSourceInput>;

export const sourceRefInput = z.object({ projectSlug: slugInput, name: sourceNameInput }).strict();
export type SourceRefInput = z.infer<typeof sourceRefInput>;

/** How many prompts short of K one collect run asks about, at most. */
export const MAX_COLLECT_PROMPTS = 10_000;

export const collectInput = z
  .object({
    projectSlug: slugInput,
    sources: z
      .array(sourceNameInput, { error: "Sources must be a list of source names" })
      .min(1, "Pick at least one source")
      .max(16, "At most 16 sources per run")
      .refine((l) => new Set(l).size === l.length, "Each source at most once"),
    prompts: int("Prompts", 1, MAX_COLLECT_PROMPTS),
  })
  .strict();
export type CollectInput = z.infer<typeof collectInput>;

/** Settings from an input: the given fields over the defaults. */
export function sourceSettingsFrom(input: Partial<Record<keyof SourceSettings, number | undefined>>): SourceSettings {
  const out = { ...defaultSourceSettings };
  for (const key of Object.keys(defaultSourceSettings) as (keyof SourceSettings)[]) {
    const v = input[key];
    if (v !== undefined) out[key] = v;
  }
  return out;
}
