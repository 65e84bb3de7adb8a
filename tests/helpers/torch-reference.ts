// Runs tests/helpers/torch-llama.py (a plain-PyTorch float64 forward of a Hugging Face Llama-family folder) under
// Debian's python3-torch at /usr/bin/python3; says why when it cannot (tests skip with that reason).
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";

export const TORCH_PYTHON = process.env.TUNELOOP_TORCH_PYTHON ?? "/usr/bin/python3";
const script = path.join(import.meta.dirname, "torch-llama.py");

/** null when torch can be imported, else the reason (for `it.skipIf` titles and messages). */
export function torchMissing(): string | null {
  if (!fs.existsSync(TORCH_PYTHON)) return `${TORCH_PYTHON} not found (apt-get install python3-torch)`;
  const r = spawnSync(TORCH_PYTHON, ["-c", "import torch"], { encoding: "utf8" });
  return r.status === 0 ? null : `${TORCH_PYTHON} cannot import torch (apt-get install python3-torch): ${r.stderr.trim().split("\n").pop()}`;
}

/** Logits [B][T][V] (float64) of each id sequence under the folder's weights (plus a PEFT LoRA folder's adapters). */
export function torchLogits(dir: string, ids: number[][], adapter?: string): number[][][] {
  const r = spawnSync(TORCH_PYTHON, [script, dir], { input: JSON.stringify({ ids, adapter }), encoding: "utf8", maxBuffer: 1 << 28 });
  if (r.status !== 0) throw new Error(`torch reference failed: ${r.stderr}`);
  return (JSON.parse(r.stdout) as { logits: number[][][] }).logits;
}

/** Masked mean next-token cross-entropy and its float64 autograd gradient per weight (HF names and layout). */
export function torchLossAndGrads(dir: string, ids: number[][], targets: number[][], mask: number[][], adapter?: string): { loss: number; grads: Record<string, number[]> } {
  const r = spawnSync(TORCH_PYTHON, [script, dir], { input: JSON.stringify({ ids, targets, mask, adapter }), encoding: "utf8", maxBuffer: 1 << 28 });
  if (r.status !== 0) throw new Error(`torch reference failed: ${r.stderr}`);
  return JSON.parse(r.stdout) as { loss: number; grads: Record<string, number[]> };
}
