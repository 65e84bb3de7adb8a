// Queue-time checks of a training run, so it is refused (422, with the figures and what to do) instead of failing
// after its export: one step of the base model at the run's batch and context must fit the trainer's memory, and a
// snapshot named up front must hold data for the stage asked.
import "server-only";
import fs from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import type { Export } from "@/db/schema";
import { env } from "@/lib/env";
import { AppError } from "@/lib/errors";
import { presets } from "@/trainer/config";
import { budgetBackend, modelShapeFromConfigJson, planMemory, type ModelShape } from "@/trainer/memory";
import type { Hyperparameters, RunKind } from "@/trainer/protocol";

/** The backend the trainer will start on: TUNELOOP_TF_BACKEND, else tfjs-node(-gpu) when installed, else wasm. */
function trainerBackend(): string {
  const named = env().TUNELOOP_TF_BACKEND;
  if (named) return named;
  const req = createRequire(path.join(env().rootDir, "package.json"));
  for (const pkg of ["@tensorflow/tfjs-node-gpu", "@tensorflow/tfjs-node"]) {
    try {
      req.resolve(pkg);
      return "tensorflow";
    } catch {}
  }
  return "wasm";
}

/** The shape of the model a run starts from: a preset, or the config.json of its checkpoint (null when unreadable). */
function baseShape(base: { base: string; checkpoint: string | null }): ModelShape | null {
  if (!base.checkpoint) return presets[base.base === "small" ? "small" : "tiny"];
  try {
    return modelShapeFromConfigJson(JSON.parse(fs.readFileSync(path.join(base.checkpoint, "config.json"), "utf8")) as Record<string, unknown>);
  } catch {
    return null;
  }
}

/** LoRA adapts the Llama family's projections: a GPT-2-shaped base (the presets, an imported GPT-2) is a 422 naming `hyperparameters.lora`. */
export function assertLoraBase(base: { base: string; checkpoint: string | null }, hp: Hyperparameters) {
  if (!hp.lora) return;
  const shape = baseShape(base);
  if (shape?.llama) return;
  const what = base.checkpoint ? (shape ? `${base.base} is GPT-2-shaped` : `${base.base} has no readable config.json`) : `the ${base.base} preset is GPT-2-shaped`;
  const message = `LoRA needs a Llama-family base (Llama, Qwen2, Mistral): ${what}. Fine-tune it fully, or start from an imported Llama-family model.`;
  throw new AppError("unprocessable:run", message, { "hyperparameters.lora": [message] });
}

/** Throws unprocessable:run naming `hyperparameters.batch` (and the context) when no split of the batch fits. */
export function assertRunFits(base: { base: string; checkpoint: string | null }, kind: RunKind, hp: Hyperparameters) {
  const shape = baseShape(base);
  if (!shape) return; // the trainer plans again at start, with the checkpoint loaded
  // A fresh preset takes the run's context as its own; a checkpoint keeps its size and is cut to the run's context.
  const seqLen = base.checkpoint ? Math.min(hp.blockSize ?? shape.blockSize, shape.blockSize) : (hp.blockSize ?? shape.blockSize);
  // The run's LoRA options ride on the config as the trainer's own plan has them (train.ts plans with cfg.lora set), so
  // this check and the trainer's agree: trainer/memory.ts counts a frozen base without gradients or AdamW state.
  const cfg = { ...shape, blockSize: Math.max(shape.blockSize, seqLen), ...(hp.lora ? { lora: hp.lora } : {}) };
  const pairs = kind === "dpo" || kind === "sft+dpo" || kind === "rm";
  const plan = planMemory(cfg, { batch: hp.batch, seqLen, sequencesPerExample: pairs ? 2 : 1, backend: budgetBackend(trainerBackend()) });
  if (plan.ok) return;
  const message = `This run cannot fit in memory: ${plan.message}.`;
  throw new AppError("unprocessable:run", message, { "hyperparameters.batch": [message], ...(plan.maxSeqLen ? { "hyperparameters.blockSize": [`At most ${plan.maxSeqLen} tokens fit`] } : {}) });
}

/** Throws unprocessable:run naming `stage` when the chosen snapshot has nothing to train the stage on. */
export function assertSnapshotHasData(snapshot: Export, kind: RunKind) {
  const count = (prefix: string) => Object.entries(snapshot.counts).reduce((n, [file, c]) => (file.startsWith(prefix) && file.includes(".train.") ? n + c : n), 0);
  const sft = count("sft.");
  const pairs = count("preference.");
  const missing =
    kind === "sft" && !sft
      ? "This snapshot has no SFT examples (approved demonstrations): choose DPO, or approve or import demonstrations and export again."
      : (kind === "dpo" || kind === "rm") && !pairs
        ? `This snapshot has no preference pairs: ${kind === "rm" ? "a reward model trains on them" : "choose SFT"}, rank outputs or import preference data and export again.`
        : kind === "sft+dpo" && !sft && !pairs
          ? "This snapshot has neither SFT examples nor preference pairs: approve demonstrations or rank outputs (or import either), then export again."
          : null;
  if (missing) throw new AppError("unprocessable:run", missing, { stage: [missing] });
}
