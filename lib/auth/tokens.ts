// API tokens: shown once at creation, stored as a sha256 hash, revocable.
import "server-only";
import { randomBytes } from "node:crypto";
import { getDb } from "@/db/client";
import * as q from "@/db/queries/users";
import { recordAudit } from "@/lib/audit";
import { AppError } from "@/lib/errors";
import type { CreateApiTokenInput } from "@/lib/validation/users";
import { hashToken, loadActiveActor } from "./accounts";
import { claimTokenTouch, forgetTokens, tokenState } from "./account-state";
import { hasRole, type Actor, type SystemActor } from "./roles";

const TOKEN_PREFIX = "tl_";

export async function createApiToken(actor: Actor, input: CreateApiTokenInput) {
  if (!hasRole(actor, "admin")) throw new AppError("forbidden:tokens", "Only an admin can create API tokens.");
  const secret = TOKEN_PREFIX + randomBytes(24).toString("base64url");
  return getDb().transaction(async (tx) => {
    const row = await q.insertApiToken(tx, { userId: actor.id, name: input.name, tokenHash: hashToken(secret), prefix: secret.slice(0, 8) });
    await recordAudit(tx, { actorId: actor.id, action: "token.create", targetType: "api_token", targetId: row.id, data: { name: input.name } });
    return { id: row.id, name: row.name, prefix: row.prefix, token: secret };
  });
}

/** The operator (`tuneloop token create`) issues a token that acts as the person with `email`, shown once like the Admin page's. */
export async function createApiTokenForUser(operator: SystemActor, input: { email: string; name: string }) {
  if (operator.via !== "cli") throw new AppError("forbidden:tokens", "Only the operator's CLI issues tokens for others.");
  const owner = await q.getUserByEmail(getDb(), input.email);
  if (!owner || owner.disabledAt) throw new AppError("not_found:user", `No active user with email ${input.email}.`, { email: ["Unknown or disabled user"] });
  const secret = TOKEN_PREFIX + randomBytes(24).toString("base64url");
  return getDb().transaction(async (tx) => {
    const row = await q.insertApiToken(tx, { userId: owner.id, name: input.name, tokenHash: hashToken(secret), prefix: secret.slice(0, 8) });
    await recordAudit(tx, { actorId: null, action: "token.create", targetType: "api_token", targetId: row.id, data: { name: input.name, owner: owner.email, via: "cli" } });
    return { id: row.id, name: row.name, prefix: row.prefix, role: owner.role, email: owner.email, token: secret };
  });
}

export async function listApiTokens(actor: Actor) {
  if (!hasRole(actor, "admin")) throw new AppError("forbidden:tokens", "Only an admin can see API tokens.");
  const rows = await q.listApiTokensByUser(getDb());
  return rows.map((r) => ({ id: r.id, name: r.name, prefix: r.prefix, userId: r.userId, createdAt: r.createdAt, lastUsedAt: r.lastUsedAt, revokedAt: r.revokedAt }));
}

export async function revokeApiToken(actor: Actor, id: string) {
  if (!hasRole(actor, "admin")) throw new AppError("forbidden:tokens", "Only an admin can revoke API tokens.");
  const done = await getDb().transaction(async (tx) => {
    const row = await q.revokeApiToken(tx, id);
    if (!row) throw new AppError("not_found:token", "No such token.");
    await recordAudit(tx, { actorId: actor.id, action: "token.revoke", targetType: "api_token", targetId: id });
    return { id: row.id };
  });
  forgetTokens();
  return done;
}

/**
 * The actor a bearer token acts as, or null when unknown, revoked, or its owner is disabled. The token's row is at most
 * TUNELOOP_ACCOUNT_CACHE_MS (≤ 5 s) old, as the owner's is; lastUsedAt is written at most once a minute per process.
 */
export async function actorFromApiToken(secret: string): Promise<Actor | null> {
  if (!secret.startsWith(TOKEN_PREFIX) || secret.length > 200) return null;
  const row = await tokenState(hashToken(secret));
  if (!row || row.revokedAt) return null;
  const actor = await loadActiveActor(row.userId, "token");
  if (actor && claimTokenTouch(row.id)) await q.touchApiToken(getDb(), row.id);
  return actor;
}
