// Roles are ordered: an admin can do all a reviewer can, a reviewer all an annotator can.
import type { Role } from "@/db/schema";
import { AppError } from "@/lib/errors";

export const roles = ["annotator", "reviewer", "admin"] as const satisfies readonly Role[];
const rank: Record<Role, number> = { annotator: 1, reviewer: 2, admin: 3 };

export type Actor = { id: string; email: string; name: string; role: Role; via: "session" | "token" | "cli" | "system" };

export function hasRole(actor: Pick<Actor, "role">, needed: Role): boolean {
  return rank[actor.role] >= rank[needed];
}

export type { Role };

/** For lib functions, actions and route handlers: throws an AppError that maps to 401 or 403. */
export function assertRole(actor: Actor | null, role: Role): Actor {
  if (!actor) throw new AppError("unauthorized:auth", "Sign in first.");
  if (!hasRole(actor, role)) throw new AppError(`forbidden:${role}`, `This needs the ${role} role.`);
  return actor;
}
