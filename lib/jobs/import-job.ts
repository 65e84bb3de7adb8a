// The `import-model` job: runs the trainer's importer (`tuneloop import-model --hf DIR --out CKPT --json`) in a child
// process and records the result on the base model's row: ready with its config, or failed with the trainer's own
// one-line reason (an unsupported rope_scaling, a missing shard, …). A failure is final (the job is not retried: the
// folder would fail the same way); the admin fixes the folder and imports it again.
import "server-only";
import fs from "node:fs";
import { z } from "zod";
import { getDb } from "@/db/client";
import * as qb from "@/db/queries/base-models";
import { getProjectById } from "@/db/queries/projects";
import { recordAudit } from "@/lib/audit";
import { parseInput } from "@/lib/errors";
import { startTrainerProcess } from "./trainer-process";

const importJobData = z.object({ baseModelId: z.uuid(), projectId: z.uuid().optional() }).strict();

const LLAMA_ARCH: Record<string, string> = { LlamaForCausalLM: "llama", Qwen2ForCausalLM: "qwen2", MistralForCausalLM: "mistral" };

export async function runImportJob(data: unknown): Promise<{ status: string }> {
  const input = parseInput(importJobData, data, "job");
  const db = getDb();
  const row = await qb.getBaseModelById(db, input.baseModelId);
  if (!row || row.status !== "importing") return { status: row?.status ?? "missing" };
  // A previous attempt that died mid-way may have left a folder (the trainer writes atomically, but a kill between
  // its rename and our update leaves a complete one): start clean either way.
  fs.rmSync(row.checkpointPath, { recursive: true, force: true });
  let config: Record<string, unknown> | null = null;
  let reason: string | null = null;
  const trainer = startTrainerProcess(["import-model", "--hf", row.sourcePath, "--out", row.checkpointPath], (e) => {
    if (e.type === "done") config = e.config ?? {};
    else if (e.type === "error") reason = e.message;
  });
  const exit = await trainer.done;
  if (exit.code !== 0 || !config) {
    const lastLine = exit.logTail.trim().split("\n").at(-1) ?? "";
    const error = reason ?? `the importer exited with ${exit.code ?? exit.signal}${lastLine ? `: ${lastLine}` : ""}`;
    fs.rmSync(row.checkpointPath, { recursive: true, force: true });
    await db.transaction(async (tx) => {
      await qb.updateBaseModel(tx, row.id, { status: "failed", error: error.slice(0, 2000), logTail: exit.logTail, finishedAt: new Date() });
      await recordAudit(tx, { actorId: null, action: "base_model.import_failed", targetType: "base_model", targetId: row.id, data: { name: row.name, error: error.slice(0, 500) } });
    });
    return { status: "failed" };
  }
  const cfg = config as { llama?: { architecture?: string } };
  const family = cfg.llama?.architecture ? (LLAMA_ARCH[cfg.llama.architecture] ?? row.family) : "gpt2";
  await db.transaction(async (tx) => {
    await qb.updateBaseModel(tx, row.id, { status: "ready", config, family, error: null, logTail: exit.logTail || null, finishedAt: new Date() });
    // Imported for a project that has no base yet: it becomes that project's base.
    const project = input.projectId ? await getProjectById(tx, input.projectId) : null;
    if (project && !project.baseModelId) await qb.setProjectBaseModel(tx, project.id, row.id);
    await recordAudit(tx, { actorId: null, action: "base_model.ready", targetType: "base_model", targetId: row.id, data: { name: row.name, family, project: project?.slug ?? null } });
  });
  return { status: "ready" };
}
