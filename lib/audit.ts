// Writes audit_log rows; callers pass their transaction so the entry lands with the change it records.
import "server-only";
import type { DbOrTx } from "@/db/client";
import { insertAuditEntry, listAuditEntries } from "@/db/queries/audit";

export type AuditAction =
  | "auth.sign_in"
  | "auth.sign_in_failed"
  | "auth.sign_in_refused"
  | "user.setup_admin"
  | "user.add"
  | "user.invite"
  | "user.accept_invite"
  | "user.role_change"
  | "user.disable"
  | "user.enable"
  | "token.create"
  | "token.revoke"
  | (string & {});

export async function recordAudit(
  db: DbOrTx,
  entry: { actorId: string | null; action: AuditAction; targetType?: string; targetId?: string; data?: Record<string, unknown>; ip?: string | null },
) {
  await insertAuditEntry(db, {
    actorId: entry.actorId,
    action: entry.action,
    targetType: entry.targetType ?? null,
    targetId: entry.targetId ?? null,
    data: entry.data ?? {},
    ip: entry.ip ?? null,
  });
}

export { listAuditEntries };
