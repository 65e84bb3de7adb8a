// The snapshot a training run trains on: the one it names, or a fresh export made when the run starts.
import "server-only";
import { exportOptionsInput } from "@/lib/validation/exports";
import { getDb } from "@/db/client";
import { getExportById } from "@/db/queries/exports";
import type { Project, TrainingRun } from "@/db/schema";
import { createExport } from "@/lib/exports/snapshot";
import { AppError } from "@/lib/errors";
import { systemActor } from "@/lib/projects/system-actor";

export async function exportSnapshotForRun(run: TrainingRun, project: Project): Promise<{ exportId: string; dir: string }> {
  if (run.exportId) {
    const row = await getExportById(getDb(), run.exportId);
    if (!row) throw new AppError("not_found:export", `Snapshot ${run.exportId} is gone.`);
    return { exportId: row.id, dir: row.location };
  }
  const summary = await createExport(systemActor, { projectSlug: project.slug, options: exportOptionsInput.parse({}) });
  return { exportId: summary.id, dir: summary.dir };
}
