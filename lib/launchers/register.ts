// What a launcher left in TUNELOOP_OUTPUT, made into a checkpoint the app can register: a Hugging Face folder the trainer
// can import (GPT-2, Llama, Qwen2, Mistral) is imported; a checkpoint of the built-in trainer is kept as it is; any other
// model folder is registered as external, served by an OpenAI-compatible endpoint, when the launcher named one.
import fs from "node:fs";
import path from "node:path";
import { startTrainerProcess } from "@/lib/jobs/trainer-process";

export type LauncherOutput =
  | { kind: "imported" | "tuneloop"; checkpointDir: string; extraConfig: Record<string, unknown> }
  | { kind: "external"; checkpointDir: string; extraConfig: { external: ExternalModel } };

/** A version whose weights the trainer cannot load: generation asks its endpoint (an OpenAI-compatible base URL). */
export type ExternalModel = { endpoint: string; model?: string; modelType: string | null; architectures: string[]; importError: string };

export class LauncherOutputError extends Error {}

function readConfig(dir: string): Record<string, unknown> {
  const file = path.join(dir, "config.json");
  if (!fs.existsSync(file)) throw new LauncherOutputError(`the launcher exited 0 but left no model in TUNELOOP_OUTPUT (${file} is missing)`);
  try {
    const raw: unknown = JSON.parse(fs.readFileSync(file, "utf8"));
    if (raw && typeof raw === "object" && !Array.isArray(raw)) return raw as Record<string, unknown>;
  } catch {
    // reported below
  }
  throw new LauncherOutputError(`${file} is not a JSON object`);
}

/** The built-in trainer's own checkpoint (GPT layout, its config keys), which it loads without an import. */
function isTuneloopCheckpoint(cfg: Record<string, unknown>, dir: string): boolean {
  return typeof cfg.nLayer === "number" && typeof cfg.nEmbd === "number" && fs.existsSync(path.join(dir, "model.safetensors"));
}

/** Runs `tuneloop import-model --hf DIR --out CKPT` in a child process: null on success, else the trainer's reason. */
async function importHfFolder(hfDir: string, out: string): Promise<string | null> {
  let reason: string | null = null;
  const child = startTrainerProcess(["import-model", "--hf", hfDir, "--out", out], (e) => {
    if (e.type === "error") reason = e.message;
  });
  const exit = await child.done;
  if (exit.code === 0) return null;
  return reason ?? `import-model exited with ${exit.code ?? exit.signal}: ${exit.logTail.split("\n").at(-1) ?? ""}`;
}

/**
 * Turns `outputDir` into the folder to register: `importDir` (must not exist) receives an imported checkpoint. Throws
 * LauncherOutputError with the reason when there is nothing to register.
 */
export async function checkpointFromOutput(outputDir: string, importDir: string, endpoint: { url: string; model: string | null } | null): Promise<LauncherOutput> {
  const cfg = readConfig(outputDir);
  if (isTuneloopCheckpoint(cfg, outputDir)) return { kind: "tuneloop", checkpointDir: outputDir, extraConfig: {} };
  fs.rmSync(importDir, { recursive: true, force: true });
  const importError = await importHfFolder(outputDir, importDir);
  if (importError === null) return { kind: "imported", checkpointDir: importDir, extraConfig: { importedFrom: "launcher" } };
  if (!endpoint) {
    throw new LauncherOutputError(
      `the model in TUNELOOP_OUTPUT cannot be imported (${importError}) and no endpoint serves it: set the launcher's endpoint or print {"endpoint": "http://…/v1"}`,
    );
  }
  const archs = Array.isArray(cfg.architectures) ? cfg.architectures.filter((a): a is string => typeof a === "string") : [];
  return {
    kind: "external",
    checkpointDir: outputDir,
    extraConfig: { external: { endpoint: endpoint.url, ...(endpoint.model ? { model: endpoint.model } : {}), modelType: typeof cfg.model_type === "string" ? cfg.model_type : null, architectures: archs, importError: importError.slice(0, 500) } },
  };
}
