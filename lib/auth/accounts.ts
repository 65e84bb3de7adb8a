// Account management: first-run admin, invites, roles, disabling, CLI user add.
import "server-only";
import { createHash, randomBytes } from "node:crypto";
import { getDb } from "@/db/client";
import * as q from "@/db/queries/users";
import type { User } from "@/db/schema";
import { recordAudit } from "@/lib/audit";
import { AppError } from "@/lib/errors";
import type { AcceptInviteInput, AddUserInput, ChangeRoleInput, InviteUserInput, RevokeInviteInput, SetUserDisabledInput, SetupAdminInput } from "@/lib/validation/users";
import { forgetUser, userState } from "./account-state";
import { hashPassword } from "./password";
import { hasRole, type Actor } from "./roles";

export const INVITE_TTL_HOURS = 72;

export type PublicUser = Pick<User, "id" | "email" | "name" | "role" | "disabledAt" | "createdAt">;

function toPublic(u: User): PublicUser {
  return { id: u.id, email: u.email, name: u.name, role: u.role, disabledAt: u.disabledAt, createdAt: u.createdAt };
}

export function hashToken(token: string): string {
  return createHash("sha256").update(token).digest("hex");
}

function requireAdmin(actor: Actor) {
  if (!hasRole(actor, "admin")) throw new AppError("forbidden:admin", "Only an admin can do this.");
}

export async function needsSetup(): Promise<boolean> {
  return (await q.countUsers(getDb())) === 0;
}

export async function createFirstAdmin(input: SetupAdminInput): Promise<PublicUser> {
  const passwordHash = await hashPassword(input.password);
  return getDb().transaction(async (tx) => {
    await q.lockFirstRunSetup(tx);
    if ((await q.countUsers(tx)) > 0) throw new AppError("not_found:setup", "Setup is already done.");
    const user = await q.insertUser(tx, { email: input.email, name: input.name, role: "admin", passwordHash });
    await recordAudit(tx, { actorId: user.id, action: "user.setup_admin", targetType: "user", targetId: user.id });
    return toPublic(user);
  });
}

/** CLI `user add`: no actor, the operator has shell access to the data. */
export async function addUser(input: AddUserInput, actor: Actor | null = null): Promise<PublicUser> {
  if (actor) requireAdmin(actor);
  const passwordHash = await hashPassword(input.password);
  return getDb().transaction(async (tx) => {
    if (await q.getUserByEmail(tx, input.email)) {
      throw new AppError("conflict:user", `A user with email ${input.email} already exists.`, { email: ["Already in use"] });
    }
    const user = await q.insertUser(tx, {
      email: input.email,
      name: input.name ?? input.email.split("@")[0],
      role: input.role,
      passwordHash,
    });
    await recordAudit(tx, { actorId: actor?.id ?? null, action: "user.add", targetType: "user", targetId: user.id, data: { role: input.role } });
    return toPublic(user);
  });
}

export async function listAccounts(actor: Actor) {
  requireAdmin(actor);
  const db = getDb();
  const [users, invites] = await Promise.all([q.listUsers(db), q.listInvites(db)]);
  return {
    users: users.map(toPublic),
    invites: invites.map((i) => ({
      id: i.id,
      email: i.email,
      role: i.role,
      expiresAt: i.expiresAt,
      acceptedAt: i.acceptedAt,
      revokedAt: i.revokedAt,
      createdAt: i.createdAt,
    })),
  };
}

/**
 * Returns the one-time token; only its hash is stored, so the link can be shown once. An open invite for the same
 * address is revoked first (its link stops working): the newest invite is the one that counts.
 */
export async function inviteUser(actor: Actor, input: InviteUserInput): Promise<{ inviteId: string; token: string; path: string; expiresAt: Date; replaced: number }> {
  requireAdmin(actor);
  const token = randomBytes(24).toString("base64url");
  const now = new Date();
  const expiresAt = new Date(now.getTime() + INVITE_TTL_HOURS * 3600_000);
  return getDb().transaction(async (tx) => {
    await q.lockInviteEmail(tx, input.email);
    if (await q.getUserByEmail(tx, input.email)) {
      throw new AppError("conflict:invite", `${input.email} already has an account.`, { email: ["Already has an account"] });
    }
    const replaced = await q.revokeOpenInvitesByEmail(tx, input.email, now);
    const invite = await q.insertInvite(tx, { email: input.email, role: input.role, tokenHash: hashToken(token), invitedBy: actor.id, expiresAt });
    await recordAudit(tx, { actorId: actor.id, action: "user.invite", targetType: "invite", targetId: invite.id, data: { email: input.email, role: input.role, replaced } });
    return { inviteId: invite.id, token, path: `/invite/${token}`, expiresAt, replaced: replaced.length };
  });
}

/** An admin withdraws a pending invite: its link stops working at once. */
export async function revokeInvite(actor: Actor, input: RevokeInviteInput): Promise<{ inviteId: string }> {
  requireAdmin(actor);
  return getDb().transaction(async (tx) => {
    const invite = await q.getInviteById(tx, input.inviteId, { lock: true });
    if (!invite) throw new AppError("not_found:invite", "No such invite.", { inviteId: ["Unknown invite"] });
    if (invite.acceptedAt) throw new AppError("conflict:invite", `${invite.email} already accepted this invite.`);
    if (invite.revokedAt) return { inviteId: invite.id };
    await q.markInviteRevoked(tx, invite.id, new Date());
    await recordAudit(tx, { actorId: actor.id, action: "user.invite_revoke", targetType: "invite", targetId: invite.id, data: { email: invite.email } });
    return { inviteId: invite.id };
  });
}

export type InviteState = { state: "valid"; email: string; role: string } | { state: "unknown" | "expired" | "used" | "revoked" };

export async function getInviteState(token: string): Promise<InviteState> {
  if (typeof token !== "string" || token.length < 20 || token.length > 200) return { state: "unknown" };
  const invite = await q.getInviteByTokenHash(getDb(), hashToken(token));
  if (!invite) return { state: "unknown" };
  if (invite.acceptedAt) return { state: "used" };
  if (invite.revokedAt) return { state: "revoked" };
  if (invite.expiresAt.getTime() < Date.now()) return { state: "expired" };
  return { state: "valid", email: invite.email, role: invite.role };
}

export async function acceptInvite(input: AcceptInviteInput): Promise<PublicUser> {
  const passwordHash = await hashPassword(input.password);
  return getDb().transaction(async (tx) => {
    const invite = await q.getInviteByTokenHash(tx, hashToken(input.token), { lock: true });
    if (!invite) throw new AppError("not_found:invite", "This invite link is not valid.");
    if (invite.acceptedAt) throw new AppError("conflict:invite", "This invite link has already been used.");
    if (invite.revokedAt) throw new AppError("bad_request:invite", "This invite link was withdrawn. Ask an admin for a new one.");
    if (invite.expiresAt.getTime() < Date.now()) throw new AppError("bad_request:invite", "This invite link has expired. Ask an admin for a new one.");
    if (await q.getUserByEmail(tx, invite.email)) throw new AppError("conflict:invite", `${invite.email} already has an account.`);
    const user = await q.insertUser(tx, { email: invite.email, name: input.name, role: invite.role, passwordHash });
    await q.markInviteAccepted(tx, invite.id, user.id);
    await recordAudit(tx, { actorId: user.id, action: "user.accept_invite", targetType: "user", targetId: user.id, data: { inviteId: invite.id } });
    return toPublic(user);
  });
}

async function assertNotLastAdmin(tx: Parameters<typeof q.lockActiveAdmins>[0], target: User) {
  if (target.role !== "admin" || target.disabledAt) return;
  const admins = await q.lockActiveAdmins(tx);
  if (admins.length <= 1) {
    throw new AppError("conflict:last_admin", "This is the last active admin: make someone else an admin first.");
  }
}

export async function changeRole(actor: Actor, input: ChangeRoleInput): Promise<PublicUser> {
  requireAdmin(actor);
  const done = await getDb().transaction(async (tx) => {
    const target = await q.getUserById(tx, input.userId);
    if (!target) throw new AppError("not_found:user", "No such user.", { userId: ["Unknown user"] });
    if (target.role === input.role) return toPublic(target);
    if (input.role !== "admin") await assertNotLastAdmin(tx, target);
    const updated = await q.updateUser(tx, target.id, { role: input.role });
    await recordAudit(tx, { actorId: actor.id, action: "user.role_change", targetType: "user", targetId: target.id, data: { from: target.role, to: input.role } });
    return toPublic(updated);
  });
  forgetUser(done.id);
  return done;
}

export async function setUserDisabled(actor: Actor, input: SetUserDisabledInput): Promise<PublicUser> {
  requireAdmin(actor);
  const done = await getDb().transaction(async (tx) => {
    const target = await q.getUserById(tx, input.userId);
    if (!target) throw new AppError("not_found:user", "No such user.", { userId: ["Unknown user"] });
    if (input.disabled === Boolean(target.disabledAt)) return toPublic(target);
    if (input.disabled) await assertNotLastAdmin(tx, target);
    const updated = await q.updateUser(tx, target.id, { disabledAt: input.disabled ? new Date() : null });
    await recordAudit(tx, { actorId: actor.id, action: input.disabled ? "user.disable" : "user.enable", targetType: "user", targetId: target.id });
    return toPublic(updated);
  });
  forgetUser(done.id);
  return done;
}

/**
 * The actor behind a session or token. Its row is at most TUNELOOP_ACCOUNT_CACHE_MS (≤ 5 s) old (lib/auth/account-state.ts):
 * a disable or role change made in this process takes effect at once, one made by another process within that bound.
 */
export async function loadActiveActor(userId: string, via: Actor["via"]): Promise<Actor | null> {
  const user = await userState(userId);
  if (!user || user.disabledAt) return null;
  return { id: user.id, email: user.email, name: user.name, role: user.role, via };
}
