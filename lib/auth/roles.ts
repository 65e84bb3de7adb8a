// Roles are ordered: an admin can do all a reviewer can, a reviewer all an annotator can. Who acts: a person or the operator.
import type { Role } from "@/db/schema";
import { AppError } from "@/lib/errors";

export const roles = ["annotator", "reviewer", "admin"] as const satisfies readonly Role[];
const rank: Record<Role, number> = { annotator: 1, reviewer: 2, admin: 3 };

/** A signed-in person (session cookie) or an API token: a user row, re-checked against the database. */
export type Actor = { id: string; email: string; name: string; role: Role; via: "session" | "token" };

/**
 * The operator (CLI, scripts with shell access) or the retrain schedule: an admin with no user row, audited as actor null.
 * Whoever can run the CLI can read the data folder or DATABASE_URL already; acting as admin gives them nothing more.
 */
export type SystemActor = { id: null; email: string; name: string; role: "admin"; via: "cli" | "system" };

/** Anyone a lib function may act for; `via` (or `id === null`) tells the two kinds apart. */
export type AnyActor = Actor | SystemActor;

export function hasRole(actor: Pick<AnyActor, "role">, needed: Role): boolean {
  return rank[actor.role] >= rank[needed];
}

export function isSystemActor(actor: AnyActor): actor is SystemActor {
  return actor.id === null;
}

export type { Role };

/**
 * For lib functions, actions and route handlers: the actor, narrowed to non-null, or an AppError that maps to 401 or 403.
 * An actor with no user row that does not say it is the operator is refused (it can only be forged).
 */
export function assertRole<A extends AnyActor>(actor: A | null, role: Role): A {
  if (!actor) throw new AppError("unauthorized:auth", "Sign in first.");
  const who: AnyActor = actor;
  if (who.id === null && who.via !== "cli" && who.via !== "system") throw new AppError("unauthorized:auth", "Sign in first.");
  if (!hasRole(actor, role)) throw new AppError(`forbidden:${role}`, `This needs the ${role} role.`);
  return actor;
}
