// Screening as texts are stored: PII hits recorded beside each prompt and completion in the storing transaction, open for review.
import "server-only";
import type { DbOrTx } from "@/db/client";
import { getProjectById } from "@/db/queries/projects";
import * as qs from "@/db/queries/screenings";
import type { NewScreening, ScreeningHit } from "@/db/schema";
import { detectPii } from "./pii";

/** The hits of one target's fields. */
export function screenFields(fields: qs.ScreenTarget["fields"]): ScreeningHit[] {
  return fields.flatMap(({ field, text }) => detectPii(text).map((h) => ({ field, ...h })));
}

async function store(tx: DbOrTx, targets: qs.ScreenTarget[]) {
  if (!targets.length) return { screened: 0, open: 0 };
  // Safety screening waits for the moderation job only where the project names a moderation source.
  const moderated = new Map<string, boolean>();
  for (const projectId of new Set(targets.map((t) => t.projectId))) moderated.set(projectId, !!(await getProjectById(tx, projectId))?.settings.moderationSourceId);
  const rows: NewScreening[] = targets.map((t) => {
    const pii = screenFields(t.fields);
    return { projectId: t.projectId, promptId: t.promptId, targetType: t.targetType, targetId: t.targetId, pii, review: pii.length ? "open" : "none", safety: moderated.get(t.projectId) ? "pending" : null };
  });
  await qs.upsertScreenings(tx, rows);
  return { screened: rows.length, open: rows.filter((r) => r.review === "open").length };
}

/** Screens these just-stored (or just-edited) prompts and completions; call inside the transaction that stored them. */
export async function screenStored(tx: DbOrTx, ids: { promptIds?: string[]; completionIds?: string[] }) {
  return store(tx, await qs.listScreenTargets(tx, { promptIds: ids.promptIds ?? [], completionIds: ids.completionIds ?? [] }));
}

/** Screens everything this transaction stored in a project (bulk writers such as imports, whose rows come from many paths). */
export async function screenTransaction(tx: DbOrTx, projectId: string) {
  return store(tx, await qs.listUnscreenedOfTransaction(tx, projectId));
}
