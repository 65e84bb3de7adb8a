// `tuneloop model import --hf DIR [--name N] [--project S] [--wait] [--json]` (also `tuneloop import-model --hf DIR
// --project S` without --out): registers a local Hugging Face folder as a base model through the import job, as the
// Models page does; `model list [--json]`; `model use --project S --model NAME|none`: the project's base.
import { z } from "zod";
import { getConnection } from "@/db/client";
import { migrateDatabase } from "@/db/migrate";
import { describeFieldErrors, zodFieldErrors } from "@/lib/errors";
import { startJobRunner } from "@/lib/jobs/runner";
import { stopBoss } from "@/lib/jobs/queue";
import { systemActor } from "@/lib/projects/system-actor";
import { getBaseModel, importBaseModel, listBaseModels, setProjectBase, type BaseModelView } from "@/lib/runs/base-models";
import { importBaseModelInput, setProjectBaseInput } from "@/lib/validation/runs-base-models";
import { parseFlags, UsageError } from "../args";

const line = (m: BaseModelView) =>
  `${m.name}  ${m.status}${m.family ? `  ${m.family}` : ""}${m.shape ? `  ${m.shape.layers} layers, width ${m.shape.width}, context ${m.shape.context}` : ""}  ${m.sourcePath}${m.error ? `\n  ${m.error}` : ""}`;

async function importCommand(argv: string[]): Promise<number> {
  const { values: v } = parseFlags(
    argv,
    { hf: { type: "string" }, name: { type: "string" }, project: { type: "string" }, wait: { type: "boolean" }, json: { type: "boolean" } },
    z.object({ hf: z.string({ message: "is required (a local Hugging Face folder)" }), name: z.string().optional(), project: z.string().optional(), wait: z.boolean().optional(), json: z.boolean().optional() }).strict(),
  );
  const parsed = importBaseModelInput.safeParse({ path: v.hf.startsWith("/") ? v.hf : `${process.cwd()}/${v.hf}`, name: v.name, projectSlug: v.project });
  if (!parsed.success) {
    const flag: Record<string, string> = { path: "hf", name: "name", projectSlug: "project" };
    throw new UsageError(describeFieldErrors(Object.fromEntries(Object.entries(zodFieldErrors(parsed.error)).map(([k, m]) => [`--${flag[k] ?? k}`, m]))));
  }
  const conn = getConnection();
  await migrateDatabase(conn);
  const queued = await importBaseModel(systemActor, parsed.data);
  if (!v.wait) {
    console.log(v.json ? JSON.stringify(queued) : `Queued the import of ${queued.sourcePath} as ${queued.name} (${queued.id}).`);
    await stopBoss();
    return 0;
  }
  // The embedded database has no other process to take the job: run the job runner here while waiting.
  const runner = conn.kind === "pglite" ? await startJobRunner({ conn, pollSeconds: 0.5 }) : null;
  try {
    for (;;) {
      const m = await getBaseModel(systemActor, queued.id);
      if (m.status !== "importing") {
        console.log(v.json ? JSON.stringify(m) : m.status === "ready" ? `Imported ${m.name}: ${line(m)}` : `Import of ${m.name} failed: ${m.error}`);
        return m.status === "ready" ? 0 : 1;
      }
      await new Promise((r) => setTimeout(r, 500));
    }
  } finally {
    await runner?.stop();
    await stopBoss();
  }
}

async function useCommand(argv: string[]): Promise<number> {
  const { values: v } = parseFlags(argv, { project: { type: "string" }, model: { type: "string" } }, z.object({ project: z.string({ message: "is required" }), model: z.string({ message: "is required (a base model's name, or none)" }) }).strict());
  await migrateDatabase(getConnection());
  const model = v.model === "none" ? null : (await listBaseModels(systemActor)).find((m) => m.name === v.model && m.status === "ready");
  if (model === undefined) throw new UsageError(`--model: no ready base model named ${v.model} (tuneloop model list)`);
  const parsed = setProjectBaseInput.parse({ projectSlug: v.project, baseModelId: model?.id ?? null });
  await setProjectBase(systemActor, parsed);
  console.log(model ? `${v.project} starts its first run from ${model.name}.` : `${v.project} has no imported base (the tiny preset).`);
  return 0;
}

export async function modelCommand(argv: string[]): Promise<number> {
  const [sub, ...rest] = argv;
  if (sub === "import") return importCommand(rest);
  if (sub === "use") return useCommand(rest);
  if (sub === "list") {
    const { values: v } = parseFlags(rest, { json: { type: "boolean" } }, z.object({ json: z.boolean().optional() }).strict());
    await migrateDatabase(getConnection());
    const models = await listBaseModels(systemActor);
    console.log(v.json ? JSON.stringify(models) : models.length ? models.map(line).join("\n") : "No imported base models.");
    return 0;
  }
  throw new UsageError(`unknown subcommand "${sub ?? ""}" (import, list, use)`);
}
