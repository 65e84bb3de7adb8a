// zod input for Tuneloop's OpenAI-compatible chat endpoint: the subset of OpenAI's chat.completions request we serve.
import { z } from "zod";

const content = z.union([
  z.string().max(100_000, "content is at most 100,000 characters"),
  // The parts form; only text parts are understood.
  z.array(z.object({ type: z.literal("text", { error: "only text content parts are supported" }), text: z.string().max(100_000) }).passthrough()).max(64),
]);

export const chatCompletionInput = z
  .object({
    model: z.string({ error: "model is required" }).min(1, "model is required").max(200),
    messages: z
      .array(z.object({ role: z.enum(["system", "developer", "user", "assistant"], { error: "role must be system, developer, user or assistant" }), content, name: z.string().max(64).optional() }).passthrough(), { error: "messages must be a list" })
      .min(1, "messages must not be empty")
      .max(256, "at most 256 messages"),
    temperature: z.number().min(0).max(2).nullish(),
    top_p: z.number().gt(0).max(1).nullish(),
    max_tokens: z.number().int().min(1).max(2048).nullish(),
    max_completion_tokens: z.number().int().min(1).max(2048).nullish(),
    n: z.number().int().min(1, "n is at least 1").max(8, "n is at most 8").nullish(),
    stop: z.union([z.string().min(1).max(200), z.array(z.string().min(1).max(200)).max(4, "at most 4 stop sequences")]).nullish(),
    seed: z.number().int().min(0).max(2 ** 31 - 1).nullish(),
    // OpenAI's shape: token id (as a string key) → -100..100 added to that token's logit.
    logit_bias: z
      .record(z.string().regex(/^\d{1,9}$/, "logit_bias keys are token ids"), z.number().min(-100, "a logit bias is at least -100").max(100, "a logit bias is at most 100"))
      .refine((b) => Object.keys(b).length <= 300, "at most 300 logit_bias entries")
      .nullish(),
    stream: z.boolean().nullish(),
    stream_options: z.object({ include_usage: z.boolean().optional() }).passthrough().nullish(),
    user: z.string().max(256).optional(),
  })
  // Clients send fields we do not use (logprobs, presence_penalty, …); they are ignored, as many OpenAI-compatible servers do.
  .passthrough();
export type ChatCompletionInput = z.infer<typeof chatCompletionInput>;
