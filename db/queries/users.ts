// Data access for users, invites, API tokens and sign-in throttling.
import "server-only";
import { and, asc, count, eq, isNull, sql } from "drizzle-orm";
import type { DbOrTx } from "../client";
import { apiTokens, invites, signInThrottle, users, type NewApiToken, type NewInvite, type NewUser, type Role } from "../schema";

export async function countUsers(db: DbOrTx): Promise<number> {
  const [row] = await db.select({ n: count() }).from(users);
  return row.n;
}

export async function getUserById(db: DbOrTx, id: string) {
  const [row] = await db.select().from(users).where(eq(users.id, id));
  return row ?? null;
}

export async function getUserByEmail(db: DbOrTx, email: string) {
  const [row] = await db.select().from(users).where(sql`lower(${users.email}) = lower(${email})`);
  return row ?? null;
}

export async function listUsers(db: DbOrTx) {
  return db.select().from(users).orderBy(asc(users.createdAt));
}

export async function insertUser(db: DbOrTx, row: NewUser) {
  const [created] = await db.insert(users).values(row).returning();
  return created;
}

export async function updateUser(db: DbOrTx, id: string, patch: Partial<{ role: Role; disabledAt: Date | null; name: string }>) {
  const [updated] = await db
    .update(users)
    .set({ ...patch, updatedAt: new Date() })
    .where(eq(users.id, id))
    .returning();
  return updated ?? null;
}

/** Active admins, row-locked so two concurrent demotions cannot both pass the last-admin check. */
export async function lockActiveAdmins(tx: DbOrTx) {
  return tx
    .select({ id: users.id })
    .from(users)
    .where(and(eq(users.role, "admin"), isNull(users.disabledAt)))
    .for("update");
}

export async function insertInvite(db: DbOrTx, row: NewInvite) {
  const [created] = await db.insert(invites).values(row).returning();
  return created;
}

export async function getInviteByTokenHash(db: DbOrTx, tokenHash: string, opts: { lock?: boolean } = {}) {
  const q = db.select().from(invites).where(eq(invites.tokenHash, tokenHash));
  const [row] = opts.lock ? await q.for("update") : await q;
  return row ?? null;
}

export async function listInvites(db: DbOrTx) {
  return db.select().from(invites).orderBy(asc(invites.createdAt));
}

export async function getInviteById(db: DbOrTx, id: string, opts: { lock?: boolean } = {}) {
  const q = db.select().from(invites).where(eq(invites.id, id));
  const [row] = opts.lock ? await q.for("update") : await q;
  return row ?? null;
}

// Namespace for the per-address invite lock (two-key advisory lock: this, hashtext(lower(email))).
const INVITE_LOCK_NAMESPACE = 7_264_551;

/** Serializes invites to one address until the transaction ends, so two at once cannot both stay open. */
export async function lockInviteEmail(tx: DbOrTx, email: string) {
  await tx.execute(sql`select pg_advisory_xact_lock(${INVITE_LOCK_NAMESPACE}, hashtext(lower(${email})))`);
}

/** Revokes the address's open (not accepted, not revoked) invites; returns their ids. */
export async function revokeOpenInvitesByEmail(tx: DbOrTx, email: string, at: Date) {
  const rows = await tx
    .update(invites)
    .set({ revokedAt: at })
    .where(and(sql`lower(${invites.email}) = lower(${email})`, isNull(invites.acceptedAt), isNull(invites.revokedAt)))
    .returning({ id: invites.id });
  return rows.map((r) => r.id);
}

export async function markInviteRevoked(tx: DbOrTx, id: string, at: Date) {
  await tx.update(invites).set({ revokedAt: at }).where(eq(invites.id, id));
}

const SETUP_LOCK_KEY = 7_264_551_903;

/** Takes the first-run setup lock until the transaction ends: only one request can create the first admin. */
export async function lockFirstRunSetup(tx: DbOrTx) {
  await tx.execute(sql`select pg_advisory_xact_lock(${SETUP_LOCK_KEY})`);
}

export async function markInviteAccepted(db: DbOrTx, id: string, userId: string) {
  await db.update(invites).set({ acceptedAt: new Date(), acceptedUserId: userId }).where(eq(invites.id, id));
}

export async function insertApiToken(db: DbOrTx, row: NewApiToken) {
  const [created] = await db.insert(apiTokens).values(row).returning();
  return created;
}

export async function getApiTokenByHash(db: DbOrTx, tokenHash: string) {
  const [row] = await db.select().from(apiTokens).where(eq(apiTokens.tokenHash, tokenHash));
  return row ?? null;
}

export async function listApiTokensByUser(db: DbOrTx, userId?: string) {
  const q = db.select().from(apiTokens);
  return (userId ? q.where(eq(apiTokens.userId, userId)) : q).orderBy(asc(apiTokens.createdAt));
}

export async function revokeApiToken(db: DbOrTx, id: string) {
  const [row] = await db.update(apiTokens).set({ revokedAt: new Date() }).where(eq(apiTokens.id, id)).returning();
  return row ?? null;
}

export async function touchApiToken(db: DbOrTx, id: string) {
  await db.update(apiTokens).set({ lastUsedAt: new Date() }).where(eq(apiTokens.id, id));
}

export async function getThrottle(db: DbOrTx, key: string) {
  const [row] = await db.select().from(signInThrottle).where(eq(signInThrottle.key, key));
  return row ?? null;
}

export async function upsertThrottle(db: DbOrTx, row: { key: string; failures: number; windowStart: Date; lockedUntil: Date | null }) {
  await db
    .insert(signInThrottle)
    .values(row)
    .onConflictDoUpdate({
      target: signInThrottle.key,
      set: { failures: row.failures, windowStart: row.windowStart, lockedUntil: row.lockedUntil },
    });
}

export async function deleteThrottle(db: DbOrTx, key: string) {
  await db.delete(signInThrottle).where(eq(signInThrottle.key, key));
}

/** The UI language the person picked (null: none picked, or no such user). */
export async function getUserLocale(db: DbOrTx, id: string): Promise<string | null> {
  const [row] = await db.select({ locale: users.locale }).from(users).where(eq(users.id, id));
  return row?.locale ?? null;
}

export async function updateUserLocale(db: DbOrTx, id: string, locale: string | null) {
  const [row] = await db.update(users).set({ locale, updatedAt: new Date() }).where(eq(users.id, id)).returning({ id: users.id, locale: users.locale });
  return row ?? null;
}
