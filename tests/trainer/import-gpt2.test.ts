// GPT-2 import: random HF-shaped folders (F32 with `transformer.` prefix, F16 and BF16 without) become checkpoints
// whose logits match an independent float64 reference to 1e-4; the checkpoint keeps HF names; the CLI refuses bad input.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { spawnSync } from "node:child_process";
import * as tf from "@tensorflow/tfjs";
import { beforeAll, describe, expect, it } from "vitest";
import { chooseBackend } from "@/trainer/backend";
import { decodeSafetensors, loadCheckpoint } from "@/trainer/checkpoint";
import { importHf } from "@/trainer/import-hf";
import { forward } from "@/trainer/model";
import { train, type TrainEvent } from "@/trainer/train";
import { writeRandomGpt2, type HfOptions } from "@/tests/helpers/trainer-hf-folder";
import { referenceLogits } from "@/tests/helpers/trainer-reference-gpt2";
import { freshOut, writeSnapshot } from "@/tests/helpers/trainer-snapshot";

const root = path.resolve(import.meta.dirname, "../..");
const tmp = (p: string) => fs.mkdtempSync(path.join(os.tmpdir(), p));
const shape = { nLayer: 2, nHead: 2, nEmbd: 16, nPositions: 32, seed: 3 };
const cli = (...args: string[]) => spawnSync(process.execPath, [path.join(root, "lib/cli/tuneloop.mjs"), ...args], { encoding: "utf8" });

beforeAll(async () => {
  await chooseBackend("cpu", false);
});

describe.each<Pick<HfOptions, "dtype" | "prefix">>([
  { dtype: "F32", prefix: true },
  { dtype: "F16", prefix: false },
  { dtype: "BF16", prefix: false },
])("import of a $dtype folder (transformer. prefix: $prefix)", (o) => {
  it("gives logits equal to the float64 reference within 1e-4", () => {
    const hf = tmp("tl-hf-");
    const { weights, vocabSize } = writeRandomGpt2(hf, { ...shape, ...o });
    const out = path.join(tmp("tl-ckpt-"), "gpt2");
    importHf(hf, out);
    const { cfg, params, tokenizer } = loadCheckpoint(out);
    expect(cfg).toEqual({ vocabSize, blockSize: 32, nLayer: 2, nHead: 2, nEmbd: 16, tokenizer: "gpt2-bpe" });
    const ids = tokenizer.encode("hello world, hello there: 42 worlds!");
    expect(ids.length).toBeGreaterThan(20);
    const ours = tf.tidy(() => forward(params, cfg, tf.tensor2d([ids], [1, ids.length], "int32")).arraySync()[0]);
    const ref = referenceLogits(weights, { ...cfg }, ids);
    let maxDiff = 0;
    ref.forEach((row, t) => row.forEach((v, k) => (maxDiff = Math.max(maxDiff, Math.abs(v - ours[t][k])))));
    expect(maxDiff).toBeLessThan(1e-4);
    // Not trivially small: the logits spread over several units.
    expect(Math.max(...ref[0]) - Math.min(...ref[0])).toBeGreaterThan(1);
    Object.values(params).forEach((p) => p.dispose());
  });
});

it("writes HF GPT-2 names and values into the checkpoint's model.safetensors, with the tokenizer files", () => {
  const hf = tmp("tl-hf-");
  const { weights } = writeRandomGpt2(hf, { ...shape, dtype: "F32", prefix: true });
  const out = path.join(tmp("tl-ckpt-"), "gpt2");
  importHf(hf, out);
  const saved = decodeSafetensors(fs.readFileSync(path.join(out, "model.safetensors")));
  expect(Object.keys(saved).sort()).toEqual(Object.keys(weights).sort());
  for (const [k, v] of Object.entries(weights)) {
    expect(saved[k].shape).toEqual(v.shape);
    expect(Buffer.from(saved[k].data.buffer).equals(Buffer.from(v.data.buffer))).toBe(true);
  }
  expect(fs.readdirSync(out).sort()).toEqual(["config.json", "merges.txt", "model.safetensors", "tokenizer.json", "vocab.json"]);
  expect(JSON.parse(fs.readFileSync(path.join(out, "config.json"), "utf8")).tokenizer).toBe("gpt2-bpe");
});

it("fine-tunes an imported checkpoint with its BPE chat template and keeps the tokenizer in the new checkpoint", async () => {
  const hf = tmp("tl-hf-");
  writeRandomGpt2(hf, { ...shape, dtype: "F32", prefix: true });
  const from = path.join(tmp("tl-ckpt-"), "gpt2");
  importHf(hf, from);
  const out = freshOut();
  const ev: TrainEvent[] = [];
  const snap = writeSnapshot({ sft: [["hello", "world"], ["hi", "hello world"]], prefs: [["hello", "world", "hell"]] });
  await train({ from, snapshot: snap, out, stage: "sft+dpo", steps: 6, lr: 1e-3, batch: 2, beta: 0.1, seed: 1, evalEvery: 100, saveEvery: 100, weightDecay: 0, maxGradNorm: 1, blockSize: 24, resume: false }, (e) => ev.push(e));
  const losses = ev.filter((e) => e.type === "step").map((e) => Number(e.loss));
  expect(losses).toHaveLength(6);
  expect(losses.every(Number.isFinite)).toBe(true);
  const { cfg, tokenizer, params } = loadCheckpoint(out);
  expect(cfg.tokenizer).toBe("gpt2-bpe");
  expect(tokenizer.encode("hello world")).toHaveLength(4);
  Object.values(params).forEach((p) => p.dispose());
});

it("refuses a folder whose tensors do not fit its config, naming the tensor and writing nothing", () => {
  const hf = tmp("tl-hf-");
  writeRandomGpt2(hf, { ...shape, dtype: "F32", prefix: false });
  const config = JSON.parse(fs.readFileSync(path.join(hf, "config.json"), "utf8"));
  fs.writeFileSync(path.join(hf, "config.json"), JSON.stringify({ ...config, n_embd: 32 }));
  const out = path.join(tmp("tl-ckpt-"), "gpt2");
  expect(() => importHf(hf, out)).toThrow(/wte.weight has shape \[\d+,16\], config says \[\d+,32\]/);
  expect(fs.existsSync(out)).toBe(false);
  expect(fs.readdirSync(path.dirname(out))).toEqual([]);
});

it("the import-model CLI: one line and exit 2 on bad flags or a missing folder, nothing written; then a checkpoint that generates", () => {
  const never = path.join(tmp("tl-ckpt-"), "never");
  for (const args of [["import-model", "--hf", "/nonexistent-hf", "--out", never], ["import-model", "--out", never], ["import-model", "--hf", "/tmp", "--out", never, "--bogus"]]) {
    const res = cli(...args);
    expect(res.status, res.stderr).toBe(2);
    // On a Node older than the dependencies need, lib/cli/tuneloop.mjs re-runs under Node 24 and says so first.
    expect(res.stderr.trim().split("\n").filter((l) => !/^tuneloop: Node v[\d.]+ is older than/.test(l))).toHaveLength(1);
    expect(fs.existsSync(never)).toBe(false);
  }
  expect(cli("import-model", "--hf", "/nonexistent-hf", "--out", never).stderr).toMatch(/--hf \/nonexistent-hf: no such folder/);
  const empty = tmp("tl-hf-");
  const res = cli("import-model", "--hf", empty, "--out", never);
  expect(res.status).toBe(2);
  expect(res.stderr).toMatch(/config.json is missing/);

  const hf = tmp("tl-hf-");
  writeRandomGpt2(hf, { ...shape, dtype: "F32", prefix: true });
  const out = path.join(tmp("tl-ckpt-"), "gpt2");
  const ok = cli("import-model", "--hf", hf, "--out", out, "--json");
  expect(ok.status, ok.stderr).toBe(0);
  expect(JSON.parse(ok.stdout.trim().split("\n").pop()!)).toMatchObject({ type: "done", checkpoint: out });
  const gen = cli("generate", "--model", out, "--prompt", "hello", "--max-tokens", "5", "--n", "2", "--json");
  expect(gen.status, gen.stderr).toBe(0);
  expect(JSON.parse(gen.stdout.trim().split("\n").pop()!).outputs).toHaveLength(2);
});
