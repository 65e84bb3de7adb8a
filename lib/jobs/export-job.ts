// The `export` job: makes a snapshot for a project in the background (what the Data page's button does inline).
import { createExport } from "@/lib/exports/snapshot";
import { createExportInput } from "@/lib/validation/exports";
import { systemActor } from "@/lib/projects/system-actor";
import { parseInput } from "@/lib/errors";

/** The job payload: a project and its options; the folder is always under the data folder. */
const exportJobInput = createExportInput.omit({ out: true });

export async function runExportJob(data: unknown) {
  const input = parseInput(exportJobInput, data, "job");
  const snap = await createExport(systemActor, input);
  return { id: snap.id, counts: snap.counts };
}
