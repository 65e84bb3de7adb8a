// Data access for the audit log.
import "server-only";
import { and, desc, eq } from "drizzle-orm";
import type { DbOrTx } from "../client";
import { auditLog, type NewAuditEntry } from "../schema";

export async function insertAuditEntry(db: DbOrTx, row: NewAuditEntry) {
  await db.insert(auditLog).values(row);
}

export async function listAuditEntries(db: DbOrTx, opts: { action?: string; limit?: number } = {}) {
  const q = db.select().from(auditLog);
  return (opts.action ? q.where(and(eq(auditLog.action, opts.action))) : q).orderBy(desc(auditLog.id)).limit(opts.limit ?? 100);
}
