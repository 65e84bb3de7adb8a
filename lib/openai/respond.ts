// OpenAI's wire shapes for our answers: chat.completion, its server-sent-event chunks (one per sampled token or so), and
// `{error: {message, type, param, code}}`.
import { randomUUID } from "node:crypto";
import { isAppError } from "@/lib/errors";
import { GenerationCancelled, type Generation, type GenerationResult } from "@/lib/generation-pool/pool";
import { usageOf } from "./serve";

const typeOf: Record<number, string> = { 400: "invalid_request_error", 401: "authentication_error", 403: "permission_error", 404: "invalid_request_error", 413: "invalid_request_error", 429: "rate_limit_error", 503: "server_error" };
/** OpenAI's codes for the failures its clients branch on. */
const codeOf: Record<string, string> = { "not_found:model": "model_not_found", "bad_request:context_length": "context_length_exceeded", "unavailable:generation_queue": "server_overloaded" };

/** The status and `{error}` body for a failure; anything but an AppError is logged and answered as a generic 500. */
export function openAIErrorBody(e: unknown): { status: number; body: { error: { message: string; type: string; param: string | null; code: string | null } } } {
  if (isAppError(e)) {
    const param = e.fieldErrors ? Object.keys(e.fieldErrors)[0] : null;
    const code = codeOf[e.code] ?? (e.status === 401 ? "invalid_api_key" : e.status === 429 ? "rate_limit_exceeded" : e.code);
    return { status: e.status, body: { error: { message: e.message, type: typeOf[e.status] ?? "invalid_request_error", param, code } } };
  }
  console.error("[tuneloop] openai endpoint failed", e);
  return { status: 500, body: { error: { message: "Something went wrong on our side.", type: "server_error", param: null, code: null } } };
}

export function openAIError(e: unknown, headers: Record<string, string> = {}): Response {
  const { status, body } = openAIErrorBody(e);
  // A full queue clears within seconds: the official clients retry after Retry-After.
  const retry: Record<string, string> = isAppError(e) && e.code === "unavailable:generation_queue" ? { "retry-after": "2" } : {};
  return Response.json(body, { status, headers: { ...retry, ...headers } });
}

export function completionBody(model: string, result: GenerationResult) {
  return {
    id: `chatcmpl-${randomUUID()}`,
    object: "chat.completion" as const,
    created: Math.floor(Date.now() / 1000),
    model,
    choices: result.choices.map((c, index) => ({ index, message: { role: "assistant" as const, content: c.text, refusal: null }, logprobs: null, finish_reason: c.finishReason })),
    usage: usageOf(result),
  };
}

/**
 * Streams a chat completion as OpenAI does: per choice a role chunk, then a chunk for each piece of text as the
 * process samples it, a finish chunk, (with include_usage) a last chunk with no choices and the usage, then
 * `[DONE]`. A failure after the stream began arrives as a `data: {"error": …}` event (the official clients throw
 * it). The client going away cancels the generation. `start` queues it and may throw (a full queue) before any byte is sent.
 */
export function completionStream(model: string, includeUsage: boolean, start: (onDelta: (index: number, text: string) => void) => Generation): Response {
  const id = `chatcmpl-${randomUUID()}`;
  const created = Math.floor(Date.now() / 1000);
  const encoder = new TextEncoder();
  let controller!: ReadableStreamDefaultController<Uint8Array>;
  let generation: Generation | null = null;
  let open = true;
  const body = new ReadableStream<Uint8Array>({
    start: (c) => void (controller = c),
    cancel: () => {
      open = false;
      generation?.cancel();
    },
  });
  const write = (data: unknown) => {
    if (open) controller.enqueue(encoder.encode(`data: ${typeof data === "string" ? data : JSON.stringify(data)}\n\n`));
  };
  const chunk = (choices: unknown[], usage: unknown = null) => write({ id, object: "chat.completion.chunk", created, model, choices, ...(includeUsage ? { usage } : {}) });
  const begun = new Set<number>();
  const delta = (index: number, d: Record<string, string>, finish: string | null) => {
    if (!begun.has(index)) {
      begun.add(index);
      chunk([{ index, delta: { role: "assistant", content: "" }, logprobs: null, finish_reason: null }]);
    }
    chunk([{ index, delta: d, logprobs: null, finish_reason: finish }]);
  };
  const end = () => {
    if (open) controller.close();
    open = false;
  };
  generation = start((index, text) => delta(index, { content: text }, null));
  generation.done.then(
    (result) => {
      result.choices.forEach((c, index) => delta(index, {}, c.finishReason));
      if (includeUsage) chunk([], usageOf(result));
      write("[DONE]");
      end();
    },
    (e: unknown) => {
      if (!(e instanceof GenerationCancelled)) write(openAIErrorBody(e).body);
      end();
    },
  );
  return new Response(body, { headers: { "content-type": "text/event-stream; charset=utf-8", "cache-control": "no-cache, no-transform", "x-accel-buffering": "no" } });
}
