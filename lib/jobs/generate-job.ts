// The `generate` job: the active model version writes candidate outputs for prompts short of K, attributed to the version.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { z } from "zod";
import { getDb } from "@/db/client";
import { insertCompletions, listPromptsNeedingOutputs } from "@/db/queries/generation";
import { getProjectBySlug } from "@/db/queries/projects";
import { getActiveModelVersion } from "@/db/queries/runs";
import { recordAudit } from "@/lib/audit";
import { AppError, parseInput } from "@/lib/errors";
import { startTrainerProcess } from "./trainer-process";

export const generateJobInput = z
  .object({
    projectSlug: z.string().min(1).max(64),
    limit: z.number().int().min(1).max(10_000).default(100),
    temperature: z.number().min(0).max(2).default(0.8),
    topP: z.number().gt(0).max(1).default(0.95),
    maxTokens: z.number().int().min(1).max(2048).default(128),
  })
  .strict();

export async function runGenerateJob(data: unknown) {
  const input = parseInput(generateJobInput, data, "job");
  const db = getDb();
  const project = await getProjectBySlug(db, input.projectSlug);
  if (!project) throw new AppError("not_found:project", `No project "${input.projectSlug}".`);
  const version = await getActiveModelVersion(db, project.id);
  if (!version) throw new AppError("conflict:generate", "No active model version: promote one first.");
  const todo = await listPromptsNeedingOutputs(db, { projectId: project.id, k: project.settings.k, limit: input.limit });
  if (!todo.length) return { prompts: 0, outputs: 0 };

  // One child process for the whole batch: the model loads once, the web thread never computes.
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "tl-gen-"));
  const file = path.join(dir, "prompts.jsonl");
  fs.writeFileSync(file, todo.map((p) => JSON.stringify({ id: p.id, prompt: p.input ? `${p.instruction}\n\n${p.input}` : p.instruction })).join("\n"));
  const want = new Map(todo.map((p) => [p.id, project.settings.k - p.have]));
  const made: Array<{ id: string; outputs: string[] }> = [];
  const n = Math.max(...want.values());
  const child = startTrainerProcess(
    ["generate", "--model", version.checkpointPath, "--prompts-file", file, "--n", String(n), "--temperature", String(input.temperature), "--top-p", String(input.topP), "--max-tokens", String(input.maxTokens)],
    (e) => {
      if (e.type === "generation") made.push({ id: String(e.id), outputs: e.outputs as string[] });
    },
  );
  const exit = await child.done;
  fs.rmSync(dir, { recursive: true, force: true });
  if (exit.code !== 0) throw new Error(`generation failed (exit ${exit.code ?? exit.signal}): ${exit.logTail.slice(-500)}`);
  const rows = made.flatMap(({ id, outputs }) =>
    outputs.slice(0, want.get(id) ?? 0).map((text) => ({ promptId: id, text: text || "(empty)", source: "model" as const, modelVersionId: version.id, generator: version.label })),
  );
  await db.transaction(async (tx) => {
    await insertCompletions(tx, rows);
    await recordAudit(tx, { actorId: null, action: "model.generate", targetType: "model_version", targetId: version.id, data: { prompts: made.length, outputs: rows.length } });
  });
  return { prompts: made.length, outputs: rows.length };
}
