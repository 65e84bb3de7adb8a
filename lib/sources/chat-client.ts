// One chat completion from an OpenAI-compatible endpoint through the official `openai` client, with our retry policy around it.
import OpenAI, { APIConnectionError, APIConnectionTimeoutError, APIError } from "openai";
import { z } from "zod";
import type { SourceSettings } from "@/db/schema";
import { retryDelayMs } from "./retry";

export type ChatEndpoint = { name: string; baseUrl: string; model: string; apiKey: string | null; settings: SourceSettings };

/** A conversation as the endpoint takes it; a plain string is one user turn. */
export type ChatTurn = { role: "system" | "user" | "assistant"; content: string };

export type CallFailure = "rate_limit" | "server" | "timeout" | "connection" | "refused" | "malformed" | "empty";

/** Why a source gave no usable answer, after `attempts` tries; the message never carries the API key. */
export class SourceCallError extends Error {
  constructor(
    readonly failure: CallFailure,
    message: string,
    readonly attempts: number,
  ) {
    super(message);
  }
}

/** What we read from an answer; anything else in it is ignored. */
const chatAnswer = z.object({
  choices: z.array(z.object({ message: z.object({ content: z.string().nullable().optional() }).passthrough() }).passthrough()),
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function clientFor(endpoint: ChatEndpoint): OpenAI {
  return new OpenAI({
    baseURL: endpoint.baseUrl,
    // The client refuses to start without a key; keyless servers (Ollama, a local vLLM) ignore this one.
    apiKey: endpoint.apiKey ?? "no-key",
    organization: null,
    project: null,
    // Retries are ours (retryDelayMs): the client's own would wait out any Retry-After, however long.
    maxRetries: 0,
    timeout: endpoint.settings.timeoutS * 1000,
    // Its debug logs print requests; nothing of a source's traffic goes to our logs.
    logLevel: "off",
  });
}

/** A server's words, shortened, with the key cut out should an endpoint echo it back. */
function clean(text: string, endpoint: ChatEndpoint): string {
  const short = text.replace(/\s+/g, " ").slice(0, 300);
  return endpoint.apiKey ? short.split(endpoint.apiKey).join("[key]") : short;
}

/** The response headers of an API error (the client types them loosely): Retry-After is read from them. */
const responseHeaders = (e: { headers: unknown }) => e.headers as { get(n: string): string | null } | undefined;

function classify(e: unknown, endpoint: ChatEndpoint): { failure: CallFailure; message: string; retry: boolean; headers?: { get(n: string): string | null } } {
  if (e instanceof APIConnectionTimeoutError) return { failure: "timeout", message: `no answer within ${endpoint.settings.timeoutS} s`, retry: true };
  if (e instanceof APIConnectionError) return { failure: "connection", message: `cannot connect to ${endpoint.baseUrl}: ${clean(String((e.cause as Error | undefined)?.message ?? e.message), endpoint)}`, retry: true };
  if (e instanceof APIError && typeof e.status === "number") {
    const status = e.status;
    const detail = clean(e.message, endpoint);
    if (status === 429) return { failure: "rate_limit", message: `rate limited (429): ${detail}`, retry: true, headers: responseHeaders(e) };
    if (status >= 500 || status === 408 || status === 409) return { failure: "server", message: `server error (${status}): ${detail}`, retry: true, headers: responseHeaders(e) };
    const hint = status === 401 || status === 403 ? " — check the API key" : status === 404 ? " — check the base URL and model name" : "";
    return { failure: "refused", message: `refused (${status})${hint}: ${detail}`, retry: false };
  }
  if (e instanceof SyntaxError) return { failure: "malformed", message: `answered with malformed JSON: ${clean(e.message, endpoint)}`, retry: false };
  throw e;
}

/**
 * The first choice's text, or a SourceCallError after retrying 408/409/429/5xx, timeouts and refused connections up to `maxRetries` times.
 * `opts` override the source's own sampling settings for this call (the Playground's).
 */
export async function askChat(endpoint: ChatEndpoint, prompt: string | ChatTurn[], opts: { maxTokens?: number; temperature?: number } = {}): Promise<{ text: string; attempts: number }> {
  const client = clientFor(endpoint);
  const s = endpoint.settings;
  for (let attempt = 0; ; attempt++) {
    let raw: unknown;
    try {
      raw = await client.chat.completions.create({
        model: endpoint.model,
        messages: typeof prompt === "string" ? [{ role: "user", content: prompt }] : prompt,
        temperature: opts.temperature ?? s.temperature,
        top_p: s.topP,
        max_tokens: opts.maxTokens ?? s.maxTokens,
      });
    } catch (e) {
      const c = classify(e, endpoint);
      if (!c.retry || attempt >= s.maxRetries) {
        const tries = attempt + 1;
        throw new SourceCallError(c.failure, tries > 1 ? `${c.message} (after ${tries} attempts)` : c.message, tries);
      }
      const delay = retryDelayMs(attempt, c.headers);
      if ("tooLongMs" in delay) throw new SourceCallError(c.failure, `${c.message}; the server asks to retry after ${Math.round(delay.tooLongMs / 1000)} s, longer than we wait`, attempt + 1);
      await sleep(delay.waitMs);
      continue;
    }
    const parsed = chatAnswer.safeParse(raw);
    if (!parsed.success) throw new SourceCallError("malformed", "answered JSON that is not a chat completion (no choices list)", attempt + 1);
    if (parsed.data.choices.length === 0) throw new SourceCallError("empty", "answered with an empty choice list", attempt + 1);
    const text = parsed.data.choices[0].message.content ?? "";
    if (!text.trim()) throw new SourceCallError("empty", "answered with empty text", attempt + 1);
    return { text, attempts: attempt + 1 };
  }
}
