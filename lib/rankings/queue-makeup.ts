// The queue's make-up for the project page: open tasks by kind, version and import batch, in the project's policy order.
import "server-only";
import { getDb } from "@/db/client";
import { listQueueVersions } from "@/db/queries/assignments";
import { countOpenTasksByKind, type QueueMakeupRow } from "@/db/queries/queue-makeup";
import { assertRole, type Actor } from "@/lib/auth/roles";
import { projectBySlugOr404 } from "@/lib/projects/projects";
import { normalizeQueueOrder, queueKindLabels, type QueueKind } from "./queue-policy";
import { overlapRange } from "./routing";

export type QueueMakeup = {
  /** the next-task order in force: tiers and named batches, most urgent first */
  order: string[];
  activeVersion: string | null;
  total: number;
  rows: Array<QueueMakeupRow & { kindLabel: string; batch: string | null }>;
};

const kindOrder: QueueKind[] = ["gate", "active", "model", "import", "human"];

export async function getQueueMakeup(actor: Actor, projectSlug: string): Promise<QueueMakeup> {
  assertRole(actor, "reviewer");
  const db = getDb();
  const project = await projectBySlugOr404(db, projectSlug);
  const active = (await listQueueVersions(db, project.id)).find((v) => v.isActive) ?? null;
  const rows = await countOpenTasksByKind(db, { projectId: project.id, want: { ...overlapRange(project.settings), agreementThreshold: project.settings.agreementThreshold }, activeVersionId: active?.id ?? null });
  rows.sort((a, b) => kindOrder.indexOf(a.kind) - kindOrder.indexOf(b.kind) || b.open - a.open);
  return {
    order: normalizeQueueOrder(project.settings.queueOrder),
    activeVersion: active?.label ?? null,
    total: rows.reduce((n, r) => n + r.open, 0),
    rows: rows.map((r) => ({
      ...r,
      kindLabel: queueKindLabels[r.kind],
      // the name that pins or boosts this batch in the queue-order setting
      batch: r.kind === "import" && r.label ? `import:${r.label}` : r.kind === "active" || r.kind === "model" ? (r.label ? `version:${r.label}` : null) : null,
    })),
  };
}
