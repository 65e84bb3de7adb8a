// OpenAI's wire shapes for our answers: chat.completion, its server-sent-event chunks, and `{error: {message, type, param, code}}`.
import { randomUUID } from "node:crypto";
import { isAppError } from "@/lib/errors";

const typeOf: Record<number, string> = { 400: "invalid_request_error", 401: "authentication_error", 403: "permission_error", 404: "invalid_request_error", 413: "invalid_request_error", 429: "rate_limit_error", 503: "server_error" };

export function openAIError(e: unknown, headers: Record<string, string> = {}): Response {
  if (isAppError(e)) {
    const param = e.fieldErrors ? Object.keys(e.fieldErrors)[0] : null;
    const code = e.status === 404 && e.surface === "model" ? "model_not_found" : e.status === 401 ? "invalid_api_key" : e.status === 429 ? "rate_limit_exceeded" : e.code;
    return Response.json({ error: { message: e.message, type: typeOf[e.status] ?? "invalid_request_error", param, code } }, { status: e.status, headers });
  }
  console.error("[tuneloop] openai endpoint failed", e);
  return Response.json({ error: { message: "Something went wrong on our side.", type: "server_error", param: null, code: null } }, { status: 500 });
}

type Choice = { text: string; stopped: boolean };

/** finish_reason: "stop" when a stop sequence cut the reply, else "length" (the trainer does not say whether it ended on its end token). */
export function completionBody(model: string, choices: Choice[]) {
  return {
    id: `chatcmpl-${randomUUID()}`,
    object: "chat.completion" as const,
    created: Math.floor(Date.now() / 1000),
    model,
    choices: choices.map((c, index) => ({ index, message: { role: "assistant" as const, content: c.text, refusal: null }, logprobs: null, finish_reason: c.stopped ? "stop" : "length" })),
  };
}

/** The finished replies as OpenAI streams them: a role chunk, the text, a finish chunk per choice, then `[DONE]`. */
export function completionStream(model: string, choices: Choice[]): Response {
  const id = `chatcmpl-${randomUUID()}`;
  const created = Math.floor(Date.now() / 1000);
  const chunk = (index: number, delta: Record<string, string>, finish: string | null) =>
    `data: ${JSON.stringify({ id, object: "chat.completion.chunk", created, model, choices: [{ index, delta, logprobs: null, finish_reason: finish }] })}\n\n`;
  const parts = choices.flatMap((c, i) => [chunk(i, { role: "assistant", content: "" }, null), chunk(i, { content: c.text }, null), chunk(i, {}, c.stopped ? "stop" : "length")]);
  const body = parts.join("") + "data: [DONE]\n\n";
  return new Response(body, { headers: { "content-type": "text/event-stream; charset=utf-8", "cache-control": "no-cache" } });
}
