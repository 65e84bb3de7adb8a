// Pretrained base models: an admin imports a local Hugging Face folder (the `import-model` job runs the trainer's
// importer in a child process), and a project picks a ready one as the base its first run starts from.
import "server-only";
import fs from "node:fs";
import path from "node:path";
import { getDb } from "@/db/client";
import * as qb from "@/db/queries/base-models";
import type { BaseModel } from "@/db/schema";
import { recordAudit } from "@/lib/audit";
import { assertRole, type AnyActor } from "@/lib/auth/roles";
import { AppError } from "@/lib/errors";
import { env } from "@/lib/env";
import { enqueue } from "@/lib/jobs/queue";
import { projectBySlugOr404 } from "@/lib/projects/projects";
import type { ImportBaseModelInput, SetProjectBaseInput } from "@/lib/validation/runs-base-models";

const LLAMA_FAMILIES = ["llama", "qwen2", "mistral"] as const;

/** The family config.json names (gpt2 | llama | qwen2 | mistral), or null when it names none the trainer knows. */
export function familyOfHfConfig(hf: Record<string, unknown>): string | null {
  const type = typeof hf.model_type === "string" ? hf.model_type : null;
  if (type === "gpt2" || (type && (LLAMA_FAMILIES as readonly string[]).includes(type))) return type;
  const arch = Array.isArray(hf.architectures) ? String(hf.architectures[0]) : "";
  if (arch === "GPT2LMHeadModel") return "gpt2";
  const m = /^(Llama|Qwen2|Mistral)ForCausalLM$/.exec(arch);
  return m ? m[1].toLowerCase() : null;
}

export const isLlamaFamily = (family: string | null) => !!family && (LLAMA_FAMILIES as readonly string[]).includes(family);

/** Checks the folder as the form names it: exists, is a directory, has a readable config.json. Returns its family. */
function checkFolder(folder: string): string | null {
  const bad = (message: string): never => {
    throw new AppError("bad_request:base_model", message, { path: [message] });
  };
  let stat: fs.Stats;
  try {
    stat = fs.statSync(folder);
  } catch {
    return bad(`No such folder on the server: ${folder}`);
  }
  if (!stat.isDirectory()) bad(`${folder} is a file, not a folder: name the folder that holds config.json`);
  const configFile = path.join(folder, "config.json");
  if (!fs.existsSync(configFile)) bad(`${folder} has no config.json: not a Hugging Face model folder`);
  let hf: unknown;
  try {
    hf = JSON.parse(fs.readFileSync(configFile, "utf8"));
  } catch (e) {
    bad(`${configFile} is not readable JSON (${(e as Error).message})`);
  }
  if (!hf || typeof hf !== "object" || Array.isArray(hf)) bad(`${configFile} is not a JSON object`);
  return familyOfHfConfig(hf as Record<string, unknown>);
}

export function baseModelView(m: BaseModel) {
  const cfg = (m.config ?? {}) as { nLayer?: number; nEmbd?: number; blockSize?: number; vocabSize?: number };
  return {
    id: m.id,
    name: m.name,
    sourcePath: m.sourcePath,
    status: m.status,
    family: m.family,
    /** LoRA is offered for Llama-family bases only */
    lora: isLlamaFamily(m.family),
    shape: m.config ? { layers: cfg.nLayer ?? null, width: cfg.nEmbd ?? null, context: cfg.blockSize ?? null, vocabulary: cfg.vocabSize ?? null } : null,
    error: m.error,
    createdAt: m.createdAt.toISOString(),
    finishedAt: m.finishedAt?.toISOString() ?? null,
  };
}
export type BaseModelView = ReturnType<typeof baseModelView>;

/**
 * Registers the import and queues its job. A second import of a folder while one runs is a 409 (also under a race:
 * the partial unique index on importing rows refuses the second insert).
 */
export async function importBaseModel(actor: AnyActor | null, input: ImportBaseModelInput) {
  const who = assertRole(actor, "admin");
  const folder = path.resolve(input.path);
  const family = checkFolder(folder);
  const name = input.name ?? path.basename(folder);
  const db = getDb();
  const project = input.projectSlug ? await projectBySlugOr404(db, input.projectSlug, "projectSlug") : null;
  const created = await db.transaction(async (tx) => {
    const running = await qb.getImportingBaseModelBySource(tx, folder);
    if (running) throw new AppError("conflict:base_model", `${folder} is being imported already (as ${running.name}); wait for it to finish.`, { path: ["This folder is being imported already"] });
    if (await qb.getLiveBaseModelByName(tx, name)) throw new AppError("conflict:base_model", `A base model named ${name} exists already: give this one another name.`, { name: ["Name taken"] });
    const row = await qb.insertBaseModel(tx, { name, sourcePath: folder, checkpointPath: "", family, status: "importing", createdBy: who.id });
    const checkpointPath = path.join(env().dataDir, "base-models", row.id);
    await recordAudit(tx, { actorId: who.id, action: "base_model.import", targetType: "base_model", targetId: row.id, data: { name, path: folder, family, project: project?.slug ?? null } });
    const updated = await qb.updateBaseModel(tx, row.id, { checkpointPath });
    return updated ?? { ...row, checkpointPath };
  }).catch((e) => {
    // two imports of one folder (or name) at the same instant: the index answers for the loser
    if (!(e instanceof AppError) && /base_models_(importing|name)_idx/.test(String((e as { cause?: unknown }).cause ?? e))) throw new AppError("conflict:base_model", `${folder} is being imported already.`, { path: ["This folder is being imported already"] });
    throw e;
  });
  try {
    const jobId = await enqueue("import-model", { baseModelId: created.id, ...(project ? { projectId: project.id } : {}) });
    await qb.updateBaseModel(db, created.id, { jobId });
  } catch (e) {
    await qb.updateBaseModel(db, created.id, { status: "failed", error: `could not queue the import: ${(e as Error).message}`, finishedAt: new Date() });
    throw e;
  }
  return baseModelView(created);
}

export async function listBaseModels(actor: AnyActor | null) {
  assertRole(actor, "reviewer");
  return (await qb.listBaseModels(getDb())).map(baseModelView);
}

export async function getBaseModel(actor: AnyActor | null, id: string) {
  assertRole(actor, "reviewer");
  const row = /^[0-9a-f-]{36}$/i.test(id) ? await qb.getBaseModelById(getDb(), id) : null;
  if (!row) throw new AppError("not_found:base_model", "No such base model.");
  return baseModelView(row);
}

/** The project's picked base model (null: none; the first run starts from the tiny preset). */
export async function getProjectBase(actor: AnyActor | null, projectSlug: string) {
  assertRole(actor, "reviewer");
  const db = getDb();
  const project = await projectBySlugOr404(db, projectSlug, "projectSlug");
  const row = project.baseModelId ? await qb.getBaseModelById(db, project.baseModelId) : null;
  return row ? baseModelView(row) : null;
}

export async function setProjectBase(actor: AnyActor | null, input: SetProjectBaseInput) {
  const who = assertRole(actor, "admin");
  return getDb().transaction(async (tx) => {
    const project = await projectBySlugOr404(tx, input.projectSlug, "projectSlug");
    const model = input.baseModelId ? await qb.getBaseModelById(tx, input.baseModelId) : null;
    if (input.baseModelId && !model) throw new AppError("bad_request:base_model", "Unknown base model.", { baseModelId: ["Unknown base model"] });
    if (model && model.status !== "ready") throw new AppError("unprocessable:base_model", `${model.name} is ${model.status === "importing" ? "still importing" : "a failed import"}: pick a ready one.`, { baseModelId: [`${model.name} is not ready`] });
    await qb.setProjectBaseModel(tx, project.id, model?.id ?? null);
    await recordAudit(tx, { actorId: who.id, action: "project.base_model", targetType: "project", targetId: project.id, data: { slug: project.slug, baseModel: model?.name ?? null } });
    return model ? baseModelView(model) : null;
  });
}
