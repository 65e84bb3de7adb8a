// A training run ends failed: the row and its `run.failed` webhook event in one transaction.
import "server-only";
import { getDb } from "@/db/client";
import * as q from "@/db/queries/runs";
import type { TrainingRun } from "@/db/schema";
import { emitWebhookEvent } from "@/lib/webhooks/emit";
import type { RunProgress } from "@/trainer/protocol";

export async function markRunFailed(run: Pick<TrainingRun, "id" | "projectId" | "kind">, end: { progress: RunProgress; error: string; logTail?: string }) {
  const error = end.error.slice(0, 2000);
  await getDb().transaction(async (tx) => {
    await q.updateRun(tx, run.id, { status: "failed", finishedAt: new Date(), progress: end.progress, error, ...(end.logTail !== undefined ? { logTail: end.logTail } : {}) });
    await emitWebhookEvent(tx, { projectId: run.projectId, event: "run.failed", data: { runId: run.id, kind: run.kind, error } });
  });
}
