// defineRoute(): the one wrapper for /api/v1 route handlers: size limit, JSON parsing, same-origin check, role, errors.
import { z } from "zod";
import { assertRole, getRequestActor } from "@/lib/auth/session";
import type { Actor, Role } from "@/lib/auth/roles";
import { AppError, parseInput, toResponse, unsafeTextReason } from "@/lib/errors";

/** Request bodies above this are refused with 413 (documented in the README). */
export const MAX_JSON_BODY_BYTES = 1_048_576;

type RouteContext<P> = { params: Promise<P> };

export function defineRoute<B extends z.ZodType | undefined, P extends Record<string, string> = Record<string, string>>(
  opts: { role: Role; body?: B },
  fn: (args: { actor: Actor; body: B extends z.ZodType ? z.infer<B> : undefined; params: P; req: Request }) => Promise<unknown>,
) {
  return async (req: Request, ctx: RouteContext<P>): Promise<Response> => {
    try {
      const actor = assertRole(await getRequestActor(req), opts.role);
      if (actor.via === "session" && req.method !== "GET" && req.method !== "HEAD") assertSameOrigin(req);
      let body: unknown = undefined;
      if (opts.body) body = parseInput(opts.body, await readJson(req), "body");
      const params = (await ctx?.params) ?? {};
      assertSafeParams(params, new URL(req.url).searchParams);
      const result = await fn({ actor, body: body as never, params, req });
      if (result instanceof Response) return result;
      return Response.json(result ?? { ok: true });
    } catch (e) {
      return toResponse(e);
    }
  };
}

/** Longest path or query value we read; slugs, ids, formats and file names are far shorter. */
const MAX_PARAM_CHARS = 1000;
const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Path and query values before any lookup: text PostgreSQL cannot store (a 500 otherwise),
 * overlong values, and `[id]` segments that are not uuids (PostgreSQL refuses them as uuid).
 */
function assertSafeParams(params: Record<string, string>, query: URLSearchParams) {
  const values: Array<[string, string]> = [...Object.entries(params), ...query.entries()];
  for (const [field, value] of values) {
    if (typeof value !== "string") continue;
    const reason = unsafeTextReason(value) ?? (value.length > MAX_PARAM_CHARS ? `is over ${MAX_PARAM_CHARS} characters` : null);
    if (reason) throw new AppError("bad_request:params", `${field} ${reason}.`, { [field]: [reason] });
  }
  if (typeof params.id === "string" && !uuidPattern.test(params.id)) throw new AppError("not_found:id", `No such id: ${params.id}.`, { id: ["Unknown id"] });
}

/** Cookie-authenticated writes must come from our own pages (tokens are not sent by browsers on their own). */
function assertSameOrigin(req: Request) {
  const origin = req.headers.get("origin");
  const host = req.headers.get("x-forwarded-host") ?? req.headers.get("host");
  if (!origin || !host || new URL(origin).host !== host) {
    throw new AppError("forbidden:origin", "Cross-origin request refused.");
  }
}

async function readJson(req: Request): Promise<unknown> {
  const declared = Number(req.headers.get("content-length") ?? "0");
  if (declared > MAX_JSON_BODY_BYTES) throw new AppError("too_large:body", `Body over ${MAX_JSON_BODY_BYTES} bytes.`);
  const text = await req.text();
  if (Buffer.byteLength(text) > MAX_JSON_BODY_BYTES) throw new AppError("too_large:body", `Body over ${MAX_JSON_BODY_BYTES} bytes.`);
  if (!text.trim()) throw new AppError("bad_request:body", "Request body is empty; expected JSON.");
  try {
    return JSON.parse(text);
  } catch {
    throw new AppError("bad_request:body", "Request body is not valid JSON.");
  }
}
