// Who is asking: the signed-in person (session cookie) or an API token, re-checked against the database.
import "server-only";
import { getServerSession } from "next-auth";
import { headers } from "next/headers";
import { forbidden, redirect } from "next/navigation";
import { cache } from "react";
import { loadActiveActor } from "./accounts";
import { loginUrl, PATH_HEADER } from "./callback";
import { authOptions } from "./options";
import { assertRole, hasRole, type Actor, type Role } from "./roles";
import { actorFromApiToken } from "./tokens";

/**
 * The session cookie's user id, read once per page render (the root layout, the nav and the page each ask; React's
 * cache is per request). Outside a render (route handlers, actions) each call reads the cookie again.
 */
const sessionUserId = cache(async (): Promise<string | null> => {
  const session = await getServerSession(authOptions());
  return (session?.user as { id?: string } | undefined)?.id ?? null;
});

/** The account is looked up on every call: a disable or role change counts within the account-state bound. */
export async function getSessionActor(): Promise<Actor | null> {
  const id = await sessionUserId();
  if (!id) return null;
  return loadActiveActor(id, "session");
}

/** Bearer token first (scripts), else the session cookie. */
export async function getRequestActor(req?: Request): Promise<Actor | null> {
  const auth = req ? req.headers.get("authorization") : (await headers()).get("authorization");
  if (auth?.toLowerCase().startsWith("bearer ")) return actorFromApiToken(auth.slice(7).trim());
  return getSessionActor();
}

/** For pages and layouts: anonymous → /login (which returns to this page afterwards), signed in without the role → the 403 page. */
export async function requirePageRole(role: Role): Promise<Actor> {
  const actor = await getSessionActor();
  if (!actor) redirect(loginUrl((await headers()).get(PATH_HEADER)));
  if (!hasRole(actor, role)) forbidden();
  return actor;
}

export { assertRole };
