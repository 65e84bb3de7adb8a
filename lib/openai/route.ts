// defineOpenAIRoute(): like defineRoute (lib/api.ts) for /api/openai/v1: bearer token or session, a per-token rate limit,
// size limit, zod, errors in OpenAI's shape; the handler gets the request's abort signal (the client went away).
import { createHash } from "node:crypto";
import { z } from "zod";
import { MAX_JSON_BODY_BYTES } from "@/lib/api";
import type { Actor, Role } from "@/lib/auth/roles";
import { assertRole, getRequestActor } from "@/lib/auth/session";
import { AppError, parseInput } from "@/lib/errors";
import { OPENAI_REQUESTS_PER_MINUTE, takeRequest } from "./rate-limit";
import { openAIError } from "./respond";

export function defineOpenAIRoute<B extends z.ZodType | undefined>(opts: { role: Role; body?: B }, fn: (args: { actor: Actor; body: B extends z.ZodType ? z.infer<B> : undefined; signal: AbortSignal }) => Promise<unknown>) {
  return async (req: Request): Promise<Response> => {
    try {
      const actor = await getRequestActor(req);
      if (!actor) throw new AppError("unauthorized:auth", "Incorrect or missing API key: send `Authorization: Bearer tl_…` (a Tuneloop API token).");
      assertRole(actor, opts.role);
      // Per token (its hash, never the token itself); a signed-in person without one counts as themselves.
      const bearer = req.headers.get("authorization");
      const taken = takeRequest(actor.via === "token" && bearer ? `token:${createHash("sha256").update(bearer).digest("hex")}` : `${actor.via}:${actor.id}`);
      if (!taken.ok) return openAIError(new AppError("rate_limit:openai", `Rate limit reached: ${OPENAI_REQUESTS_PER_MINUTE} requests per minute per token. Retry after ${taken.retryAfterS} s.`), { "retry-after": String(taken.retryAfterS) });
      let body: unknown = undefined;
      if (opts.body) {
        const text = await req.text();
        if (Buffer.byteLength(text) > MAX_JSON_BODY_BYTES) throw new AppError("too_large:body", `Request body over ${MAX_JSON_BODY_BYTES} bytes.`);
        let json: unknown;
        try {
          json = JSON.parse(text);
        } catch {
          throw new AppError("bad_request:body", "Request body is not valid JSON.");
        }
        body = parseInput(opts.body, json, "body");
      }
      const result = await fn({ actor, body: body as never, signal: req.signal });
      return result instanceof Response ? result : Response.json(result);
    } catch (e) {
      return openAIError(e);
    }
  };
}
