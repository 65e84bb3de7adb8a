// Credential checks for next-auth's Credentials provider, with per-account and per-address throttling.
import "server-only";
import { getDb } from "@/db/client";
import * as q from "@/db/queries/users";
import { recordAudit } from "@/lib/audit";
import { signInInput } from "@/lib/validation/users";
import { verifyPassword } from "./password";
import type { Actor } from "./roles";

/** Failures within WINDOW_MS count; past SLOW_AFTER each attempt waits, past LOCK_AFTER the key is refused for LOCK_MS. */
export const throttlePolicy = {
  windowMs: 15 * 60_000,
  slowAfter: 3,
  delayStepMs: 400,
  maxDelayMs: 3_000,
  lockAfter: { email: 8, ip: 30 },
  lockMs: 15 * 60_000,
};

export type SignInResult = { ok: true; actor: Actor } | { ok: false; reason: "invalid" | "locked" | "disabled"; message: string };

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function keysFor(email: string, ip: string | null) {
  return [{ key: `email:${email.toLowerCase()}`, kind: "email" as const }, ...(ip ? [{ key: `ip:${ip}`, kind: "ip" as const }] : [])];
}

export async function signInWithPassword(raw: { email?: unknown; password?: unknown }, ip: string | null): Promise<SignInResult> {
  const parsed = signInInput.safeParse(raw);
  if (!parsed.success) return { ok: false, reason: "invalid", message: "Enter your email and password." };
  const { email, password } = parsed.data;
  const db = getDb();
  const now = Date.now();
  const keys = keysFor(email, ip);

  let failures = 0;
  for (const { key } of keys) {
    const t = await q.getThrottle(db, key);
    if (!t) continue;
    if (t.lockedUntil && t.lockedUntil.getTime() > now) {
      const minutes = Math.ceil((t.lockedUntil.getTime() - now) / 60_000);
      await recordAudit(db, { actorId: null, action: "auth.sign_in_refused", data: { email }, ip });
      return {
        ok: false,
        reason: "locked",
        message: `Too many failed sign-ins. Sign-in is locked for ${minutes} more minute${minutes === 1 ? "" : "s"}.`,
      };
    }
    if (now - t.windowStart.getTime() < throttlePolicy.windowMs) failures = Math.max(failures, t.failures);
  }
  if (failures >= throttlePolicy.slowAfter) {
    await sleep(Math.min(throttlePolicy.maxDelayMs, (failures - throttlePolicy.slowAfter + 1) * throttlePolicy.delayStepMs));
  }

  const user = await q.getUserByEmail(db, email);
  const valid = await verifyPassword(user?.passwordHash ?? null, password);
  if (valid && user && !user.disabledAt) {
    await q.deleteThrottle(db, keys[0].key);
    await recordAudit(db, { actorId: user.id, action: "auth.sign_in", targetType: "user", targetId: user.id, ip });
    return { ok: true, actor: { id: user.id, email: user.email, name: user.name, role: user.role, via: "session" } };
  }

  await db.transaction(async (tx) => {
    for (const { key, kind } of keys) {
      const t = await q.getThrottle(tx, key);
      const fresh = !t || now - t.windowStart.getTime() >= throttlePolicy.windowMs;
      const count = fresh ? 1 : t.failures + 1;
      const lockedUntil = count >= throttlePolicy.lockAfter[kind] ? new Date(now + throttlePolicy.lockMs) : null;
      await q.upsertThrottle(tx, { key, failures: count, windowStart: fresh ? new Date(now) : t.windowStart, lockedUntil });
    }
    // The password is never recorded, only that the attempt failed.
    await recordAudit(tx, {
      actorId: user?.id ?? null,
      action: "auth.sign_in_failed",
      targetType: user ? "user" : undefined,
      targetId: user?.id,
      data: { email, reason: user?.disabledAt && valid ? "disabled" : "invalid" },
      ip,
    });
  });
  if (valid && user?.disabledAt) return { ok: false, reason: "disabled", message: "This account is disabled." };
  return { ok: false, reason: "invalid", message: "Wrong email or password." };
}
