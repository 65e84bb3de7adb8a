// The contract between the app's generation pool (lib/generation-pool) and a warm generation process (trainer/serve.ts):
// one JSON object per line, requests on the process's stdin, answers on its stdout. Both ends import these schemas.
// Pure: zod only.
import { z } from "zod";

export const chatMessageSchema = z.object({ role: z.enum(["system", "user", "assistant"]), content: z.string() });

/** What the pool asks of a generation process. */
export const serveRequestSchema = z.discriminatedUnion("type", [
  z.object({
    type: z.literal("generate"),
    id: z.string(),
    /** the checkpoint folder; `modelKey` names it in the process's cache (a version id: two versions never share one) */
    checkpoint: z.string(),
    modelKey: z.string(),
    /** rendered with the model's own chat template */
    messages: z.array(chatMessageSchema).min(1),
    n: z.number().int().min(1).max(64),
    temperature: z.number().min(0).max(5),
    topP: z.number().gt(0).max(1),
    maxTokens: z.number().int().min(1).max(4096),
    seed: z.number().int().min(0),
    /** a choice ends where one of these first appears; the text from it on is never sent */
    stop: z.array(z.string().min(1)).max(4),
    /** token id (decimal) → bias added to its logit, as OpenAI's logit_bias; ids past the vocabulary are a bad_request */
    logitBias: z.record(z.string().regex(/^\d+$/), z.number().min(-100).max(100)).optional(),
  }),
  // Stops the request at its next token; it ends with `done` (cancelled: true).
  z.object({ type: z.literal("cancel"), id: z.string() }),
]);
export type ServeRequest = z.infer<typeof serveRequestSchema>;
export type GenerateRequest = Extract<ServeRequest, { type: "generate" }>;

export const FINISH_REASONS = ["stop", "length"] as const;
export type FinishReason = (typeof FINISH_REASONS)[number];

/** Why a request failed while its process lives on; the pool maps each to an HTTP status. */
export const SERVE_ERROR_CODES = ["context_length_exceeded", "model_unavailable", "bad_request", "internal"] as const;

/** What a generation process says. Token counts are the model tokenizer's. */
export const serveEventSchema = z.discriminatedUnion("type", [
  /** the process is up (backend chosen) and takes requests */
  z.object({ type: z.literal("ready"), backend: z.string() }),
  /** the prompt was rendered and the model loaded: generation begins */
  z.object({ type: z.literal("start"), id: z.string(), promptTokens: z.number().int() }),
  /** new text of choice `index` (the tokens sampled since the last delta; `tokens` of them) */
  z.object({ type: z.literal("delta"), id: z.string(), index: z.number().int(), text: z.string(), tokens: z.number().int() }),
  z.object({
    type: z.literal("done"),
    id: z.string(),
    cancelled: z.boolean(),
    promptTokens: z.number().int(),
    choices: z.array(z.object({ text: z.string(), finishReason: z.enum(FINISH_REASONS), completionTokens: z.number().int() })),
    /** checkpoints kept loaded after this request, most recently used first */
    models: z.array(z.string()),
  }),
  z.object({ type: z.literal("error"), id: z.string().nullable(), code: z.enum(SERVE_ERROR_CODES), message: z.string() }),
]);
export type ServeEvent = z.infer<typeof serveEventSchema>;

/** A stdout line as an event, or null when it is not one (a log line). */
export function parseServeLine(line: string): ServeEvent | null {
  let raw: unknown;
  try {
    raw = JSON.parse(line);
  } catch {
    return null;
  }
  const r = serveEventSchema.safeParse(raw);
  return r.success ? r.data : null;
}
