// The `export` job: makes a snapshot for a project in the background (what the Data page's button does inline).
import { z } from "zod";
import { createExport } from "@/lib/exports/snapshot";
import { exportOptionsInput } from "@/lib/validation/exports";
import { systemActor } from "@/lib/projects/system-actor";
import { parseInput } from "@/lib/errors";

const exportJobInput = z.object({ projectSlug: z.string().min(1).max(64), options: exportOptionsInput.optional() }).strict();

export async function runExportJob(data: unknown) {
  const input = parseInput(exportJobInput, data, "job");
  const snap = await createExport(systemActor, input);
  return { id: snap.id, counts: snap.counts };
}
