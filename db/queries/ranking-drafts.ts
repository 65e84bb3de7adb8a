// Data access for the work-in-progress draft kept on a ranking task's lease (assignments.draft).
import "server-only";
import { and, eq } from "drizzle-orm";
import type { DbOrTx } from "../client";
import { assignments, type RankingDraft } from "../schema";

/** Stores the draft on the person's own open lease; false when there is no such lease (submitted, skipped, someone else's). */
export async function updateAssignmentDraft(db: DbOrTx, opts: { assignmentId: string; userId: string; draft: RankingDraft }): Promise<boolean> {
  const rows = await db
    .update(assignments)
    .set({ draft: opts.draft })
    .where(and(eq(assignments.id, opts.assignmentId), eq(assignments.userId, opts.userId), eq(assignments.status, "open")))
    .returning({ id: assignments.id });
  return rows.length > 0;
}

export async function getAssignmentDraft(db: DbOrTx, opts: { assignmentId: string; userId: string }): Promise<RankingDraft | null> {
  const [row] = await db
    .select({ draft: assignments.draft })
    .from(assignments)
    .where(and(eq(assignments.id, opts.assignmentId), eq(assignments.userId, opts.userId), eq(assignments.status, "open")));
  return row?.draft ?? null;
}

export async function clearAssignmentDraft(db: DbOrTx, assignmentId: string) {
  await db.update(assignments).set({ draft: null }).where(eq(assignments.id, assignmentId));
}
