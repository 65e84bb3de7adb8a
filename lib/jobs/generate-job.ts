// The `generate` job: the active model version writes candidate outputs for prompts short of K, attributed to the
// version; or, for a release gate, the new and the active version answer held-out prompts side by side.
import "server-only";
import { z } from "zod";
import { getDb } from "@/db/client";
import { insertCompletions, listPromptsNeedingOutputs } from "@/db/queries/generation";
import { screenStored } from "@/lib/screening/screen";
import { getProjectBySlug } from "@/db/queries/projects";
import { getActiveModelVersion } from "@/db/queries/runs";
import { recordAudit } from "@/lib/audit";
import { AppError, parseInput } from "@/lib/errors";
import { samplingOf } from "@/lib/validation/projects";
import { runCompareGeneration } from "./compare-job";
import { trackGeneration } from "./generation-progress";
import { generateVersionOutputs } from "@/lib/launchers/external";
import { queueScoring } from "./score-job";

export const generateJobInput = z
  .object({
    projectSlug: z.string().min(1).max(64),
    limit: z.number().int().min(1).max(10_000).default(100),
    /** sampling; each defaults to the project's setting */
    temperature: z.number().min(0).max(2).optional(),
    topP: z.number().gt(0).max(1).optional(),
    maxTokens: z.number().int().min(1).max(2048).optional(),
    /** a release-gate comparison of this new version against the active one, instead of filling prompts short of K */
    compareVersionId: z.uuid().optional(),
    /** the progress row its sender queued (lib/jobs/generation-progress.ts); absent: the job makes one */
    generationId: z.uuid().optional(),
  })
  .strict();


export async function runGenerateJob(data: unknown) {
  const input = parseInput(generateJobInput, data, "job");
  const db = getDb();
  const project = await getProjectBySlug(db, input.projectSlug);
  if (!project) throw new AppError("not_found:project", `No project "${input.projectSlug}".`);
  const version = await getActiveModelVersion(db, project.id);
  const kind = input.compareVersionId ? ("compare" as const) : ("outputs" as const);
  const tracker = await trackGeneration(input.generationId, () => {
    const versionId = input.compareVersionId ?? version?.id;
    return versionId ? { projectId: project.id, versionId, kind } : null;
  });
  try {
    if (!version) throw new AppError("conflict:generate", "No active model version: promote one first.");
    const sampling = { ...samplingOf(project.settings), ...Object.fromEntries(Object.entries({ temperature: input.temperature, topP: input.topP, maxTokens: input.maxTokens }).filter(([, v]) => v !== undefined)) };
    if (input.compareVersionId) return await runCompareGeneration(project, version, input.compareVersionId, { limit: input.limit, ...sampling }, tracker);
    const todo = await listPromptsNeedingOutputs(db, { projectId: project.id, k: project.settings.k, limit: input.limit });
    if (!todo.length) {
      await tracker.finish(0, "no prompts need outputs");
      return { prompts: 0, outputs: 0 };
    }
    const want = new Map(todo.map((p) => [p.id, project.settings.k - p.have]));
    await tracker.start([...want.values()].reduce((a, b) => a + b, 0));
    const made = await generateVersionOutputs(version, todo, { ...sampling, n: Math.max(...want.values()), onPrompt: (id, n) => tracker.add(Math.min(n, want.get(id) ?? 0)) });
    const rows = [...made].flatMap(([id, outputs]) =>
      outputs.slice(0, want.get(id) ?? 0).map((text) => ({ promptId: id, text: text || "(empty)", source: "model" as const, modelVersionId: version.id, generator: version.label })),
    );
    await db.transaction(async (tx) => {
      await screenStored(tx, { completionIds: await insertCompletions(tx, rows) });
      await recordAudit(tx, { actorId: null, action: "model.generate", targetType: "model_version", targetId: version.id, data: { prompts: made.size, outputs: rows.length } });
    });
    await tracker.finish(rows.length);
    // New outputs of open prompts: the reward model, if the project has one, scores them.
    await queueScoring(project.id).catch((e: Error) => console.warn("[tuneloop] could not queue scoring:", e.message));
    return { prompts: made.size, outputs: rows.length };
  } catch (e) {
    await tracker.fail((e as Error).message);
    throw e;
  }
}
