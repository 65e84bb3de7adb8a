// The release gate's `compare` generation: a new version and the active one each answer held-out prompts, and
// each pair enters the ranking queue as a blind two-way task (shuffled per annotator, names hidden, "both bad" allowed).
import "server-only";
import fs from "node:fs";
import path from "node:path";
import { getDb } from "@/db/client";
import { getExportById } from "@/db/queries/exports";
import { comparisonSummary, insertCompletions, listHeldOutPrompts } from "@/db/queries/generation";
import { screenStored } from "@/lib/screening/screen";
import { insertComparePrompt } from "@/db/queries/prompts";
import { getModelVersionById } from "@/db/queries/runs";
import type { ModelVersion, Project } from "@/db/schema";
import { recordAudit } from "@/lib/audit";
import { AppError } from "@/lib/errors";
import type { GenerationTracker } from "./generation-progress";
import { generateVersionOutputs } from "@/lib/launchers/external";

/** Prompt ids of a snapshot's eval split (its `*.eval.jsonl` rows name them in `meta.promptId`). */
function evalPromptIds(dir: string): string[] {
  const ids = new Set<string>();
  for (const name of ["sft.eval.jsonl", "preference.eval.jsonl"]) {
    const file = path.join(dir, name);
    if (!fs.existsSync(file)) continue;
    for (const line of fs.readFileSync(file, "utf8").split("\n")) {
      if (!line.trim()) continue;
      const id = (JSON.parse(line) as { meta?: { promptId?: unknown } }).meta?.promptId;
      if (typeof id === "string") ids.add(id);
    }
  }
  return [...ids];
}

export async function runCompareGeneration(
  project: Project,
  active: ModelVersion,
  versionId: string,
  input: { limit: number; temperature: number; topP: number; maxTokens: number },
  tracker: GenerationTracker,
) {
  const db = getDb();
  const candidate = await getModelVersionById(db, versionId);
  if (!candidate || candidate.projectId !== project.id) throw new AppError("not_found:version", "No such model version.", { compareVersionId: ["Unknown version"] });
  if (candidate.id === active.id) throw new AppError("conflict:compare", `${candidate.label} is already the active version: there is nothing to compare it with.`);
  const done = await comparisonSummary(db, candidate.id);
  if (done.prompts > 0) {
    await tracker.finish(done.prompts * 2, "already compared");
    return { prompts: 0, outputs: 0, skipped: "already compared" };
  }

  const snapshot = candidate.exportId ? await getExportById(db, candidate.exportId) : null;
  const heldOut = await listHeldOutPrompts(db, {
    projectId: project.id,
    ids: snapshot && fs.existsSync(snapshot.location) ? evalPromptIds(snapshot.location) : [],
    after: snapshot?.cutoffAt ?? candidate.createdAt,
    limit: input.limit,
  });
  if (!heldOut.length) {
    await tracker.finish(0, "no held-out prompts: none in the snapshot's eval split and none written since its cut-off");
    return { prompts: 0, outputs: 0, skipped: "no held-out prompts" };
  }

  // Each held-out prompt gets one output from each version: 2 per prompt.
  await tracker.start(heldOut.length * 2);
  const sampling = { ...input, n: 1, onPrompt: () => tracker.add(1) };
  const fresh = await generateVersionOutputs(candidate, heldOut, sampling);
  const old = await generateVersionOutputs(active, heldOut, sampling);
  let created = 0;
  await db.transaction(async (tx) => {
    for (const p of heldOut) {
      const [a, b] = [fresh.get(p.id)?.[0], old.get(p.id)?.[0]];
      if (a === undefined || b === undefined) continue;
      const copy = await insertComparePrompt(tx, { projectId: project.id, instruction: p.instruction, input: p.input, category: p.category, source: p.source, status: "approved", compareOf: p.id, compareVersionId: candidate.id });
      if (!copy) continue;
      const ids = await insertCompletions(tx, [
        { promptId: copy.id, text: a || "(empty)", source: "model", modelVersionId: candidate.id, generator: candidate.label },
        { promptId: copy.id, text: b || "(empty)", source: "model", modelVersionId: active.id, generator: active.label },
      ]);
      await screenStored(tx, { promptIds: [copy.id], completionIds: ids });
      created += 1;
    }
    await recordAudit(tx, { actorId: null, action: "model.compare", targetType: "model_version", targetId: candidate.id, data: { against: active.label, prompts: created } });
  });
  await tracker.finish(created * 2);
  return { prompts: created, outputs: created * 2 };
}
