// End to end through the CLI: a tiny random Llama folder is imported, fine-tuned a few SFT steps with its own chat
// template (loss falls on a batch it sees every step), then DPO on pairs rendered with that template, and the new
// checkpoint, still a Hugging Face folder, generates.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { spawnSync } from "node:child_process";
import { expect, it } from "vitest";
import { writeRandomLlama } from "@/tests/helpers/trainer-llama-folder";
import { writeSnapshot } from "@/tests/helpers/trainer-snapshot";

const root = path.resolve(import.meta.dirname, "../..");
const cli = (...args: string[]) => spawnSync(process.execPath, [path.join(root, "lib/cli/tuneloop.mjs"), ...args], { encoding: "utf8", env: { ...process.env, TUNELOOP_TF_BACKEND: "wasm" } });
const jsonLines = (out: string) => out.split("\n").filter((l) => l.startsWith("{")).map((l) => JSON.parse(l) as Record<string, unknown>);

it("import-model → train --stage sft+dpo → generate on a tiny Llama folder", () => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "tl-llama-cli-"));
  const hf = path.join(tmp, "hf");
  writeRandomLlama(hf, { family: "llama", hidden: 32, heads: 4, kvHeads: 2, layers: 2, intermediate: 64, maxPositions: 64, tied: false, dtype: "BF16", seed: 5 });
  const base = path.join(tmp, "base");
  const imp = cli("import-model", "--hf", hf, "--out", base, "--json");
  expect(imp.status, imp.stderr).toBe(0);

  const snap = writeSnapshot({ sft: [["hello", "hello world"], ["hi", "hello"]], prefs: [["hello", "world", "hell"], ["hi", "hello", "oh"]] });
  const tuned = path.join(tmp, "tuned");
  const tr = cli("train", "--from", base, "--snapshot", snap, "--stage", "sft+dpo", "--steps", "20", "--lr", "0.01", "--batch", "2", "--warmup", "1", "--out", tuned, "--json");
  expect(tr.status, tr.stderr).toBe(0);
  const steps = jsonLines(tr.stdout).filter((e) => e.type === "step");
  const sft = steps.filter((e) => e.stage === "sft").map((e) => Number(e.loss));
  const dpo = steps.filter((e) => e.stage === "dpo").map((e) => Number(e.loss));
  expect([sft.length, dpo.length]).toEqual([10, 10]);
  expect([...sft, ...dpo].every(Number.isFinite)).toBe(true);
  // Both examples are in every batch, so the SFT loss should fall steadily; DPO starts at log 2 (policy = reference).
  expect(sft[9]).toBeLessThan(sft[0] * 0.5);
  expect(dpo[0]).toBeCloseTo(Math.log(2), 3);
  expect(dpo[9]).toBeLessThan(dpo[0]);

  const config = JSON.parse(fs.readFileSync(path.join(tuned, "config.json"), "utf8"));
  expect(config).toMatchObject({ architectures: ["LlamaForCausalLM"], model_type: "llama", num_key_value_heads: 2, tie_word_embeddings: false });
  expect(fs.existsSync(path.join(tuned, "tokenizer_config.json"))).toBe(true);
  const gen = cli("generate", "--model", tuned, "--prompt", "hello", "--max-tokens", "8", "--temperature", "0", "--json");
  expect(gen.status, gen.stderr).toBe(0);
  const outputs = jsonLines(gen.stdout).find((e) => e.type === "generations")!.outputs as string[];
  expect(outputs).toHaveLength(1);
  expect(typeof outputs[0]).toBe("string");
});
