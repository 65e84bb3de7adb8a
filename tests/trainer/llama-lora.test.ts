// LoRA on a tiny random Llama (GQA, untied head): adapters saved in PEFT's format are read by the plain-PyTorch
// reference (tests/helpers/torch-llama.py applies base_model.model.<module>.lora_A/B · alpha/r itself), which gives the
// same logits within 1e-4 and the same adapter gradients (float64 autograd); the merged model equals base + adapter
// within 1e-5 (and `merge-lora`'s checkpoint, read by that reference, equals base + adapter); adapters off is exactly
// the base model; training moves the adapters only.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import * as tf from "@tensorflow/tfjs";
import { beforeAll, describe, expect, it } from "vitest";
import { chooseBackend } from "@/trainer/backend";
import { runTrainerCli } from "@/trainer/cli";
import { loadCheckpoint } from "@/trainer/checkpoint";
import type { LoraOptions, ModelConfig } from "@/trainer/config";
import { importHf } from "@/trainer/import-hf";
import { initLora, loadAdapter, mergeLora, saveAdapter } from "@/trainer/lora";
import { sftLoss } from "@/trainer/losses";
import { decode, type Params } from "@/trainer/model";
import { adamwStep } from "@/trainer/optim";
import { writeRandomLlama } from "@/tests/helpers/trainer-llama-folder";
import { torchLogits, torchLossAndGrads, torchMissing } from "@/tests/helpers/torch-reference";

const noTorch = torchMissing();
const why = noTorch ? ` (skipped: ${noTorch})` : "";
const lora: LoraOptions = { rank: 4, alpha: 8, targets: ["q", "k", "v", "o", "gate", "up", "down"] };
const tmp = (p: string) => fs.mkdtempSync(path.join(os.tmpdir(), p));
let hf: string, ckpt: string, adapterDir: string, cfg: ModelConfig, base: Params, adapters: Params;
const xs = [Array.from({ length: 14 }, (_, t) => (t * 7 + 3) % 250), Array.from({ length: 14 }, (_, t) => (t * 11 + 5) % 250)];
const ys = xs.map((row) => row.map((v) => (v * 3 + 1) % 260));
const mask = xs.map((row) => row.map((_, t) => (t >= 3 ? 1 : 0)));
const logitsOf = (p: Params, c: ModelConfig, adaptersOff = false) => tf.tidy(() => decode(p, c, tf.tensor2d(xs, undefined, "int32"), { adaptersOff }).logits.arraySync());
const maxDiff = (a: number[][][], b: number[][][]) => Math.max(...a.flatMap((r, i) => r.flatMap((v, t) => v.map((x, k) => Math.abs(x - b[i][t][k])))));

beforeAll(async () => {
  await chooseBackend("cpu", false);
  hf = tmp("tl-llama-");
  writeRandomLlama(hf, { family: "llama", hidden: 16, heads: 4, kvHeads: 2, layers: 2, intermediate: 24, maxPositions: 32, tied: false, dtype: "F32", seed: 31 });
  ckpt = path.join(tmp("tl-ckpt-"), "b");
  importHf(hf, ckpt);
  const loaded = loadCheckpoint(ckpt);
  cfg = { ...loaded.cfg, lora };
  base = loaded.params;
  adapters = initLora(cfg, lora, 3);
  // B starts at zero (PEFT's init); give it values so the adapters change the output and A gets a gradient.
  for (const [k, v] of Object.entries(adapters)) if (k.endsWith("lora_B")) v.assign(tf.randomUniform(v.shape, -0.3, 0.3, "float32", 9));
  adapterDir = tmp("tl-adapter-");
  saveAdapter(adapterDir, cfg, lora, adapters, hf);
});

// On wasm too: there the LoRA blocks' gradient checkpoints and the frozen projections' gradients run its kernels.
describe.each(["cpu", "wasm"])("on the %s backend", (backend) => {
 it.skipIf(noTorch)(`adapters in PEFT's format give PyTorch's logits and adapter gradients${why}`, async () => {
  await chooseBackend(backend, false);
  const p = { ...base, ...adapters };
  const ours = logitsOf(p, cfg);
  expect(maxDiff(ours, torchLogits(hf, xs, adapterDir))).toBeLessThan(1e-4);
  expect(maxDiff(ours, torchLogits(hf, xs))).toBeGreaterThan(1e-2);
  const b = { x: tf.tensor2d(xs, undefined, "int32"), y: tf.tensor2d(ys, undefined, "int32"), m: tf.tensor2d(mask), tokens: 22 };
  const { value, grads } = tf.variableGrads(() => sftLoss(p, cfg, b), Object.values(adapters));
  const ref = torchLossAndGrads(hf, xs, ys, mask, adapterDir);
  expect(Math.abs(value.dataSync()[0] - ref.loss)).toBeLessThan(1e-5);
  expect(Object.keys(grads)).toHaveLength(Object.keys(adapters).length);
  for (const [k, v] of Object.entries(adapters)) {
    const g = tf.tidy(() => grads[v.name].transpose().dataSync()); // PEFT stores A [r, in], B [out, r]
    const want = ref.grads[`base_model.model.${k}.weight`];
    const scale = Math.max(...want.map(Math.abs));
    expect(scale, k).toBeGreaterThan(1e-6);
    for (let i = 0; i < g.length; i++) expect(Math.abs(g[i] - want[i]), `${k}[${i}]`).toBeLessThan(1e-5 + 1e-3 * scale);
  }
  tf.dispose([value, ...Object.values(grads), b.x, b.y, b.m]);
  await chooseBackend("cpu", false);
 });
});

it("the merged model equals base + adapter within 1e-5; adapters off is the base model; PEFT files load back", () => {
  const withAdapters = logitsOf({ ...base, ...adapters }, cfg);
  const merged = mergeLora(cfg, lora, base, adapters);
  const mergedParams = Object.fromEntries(Object.entries(merged).map(([k, t]) => [k, tf.variable(t)])) as Params;
  const { lora: _, ...plain } = cfg;
  void _;
  expect(maxDiff(logitsOf(mergedParams, plain), withAdapters)).toBeLessThan(1e-5);
  expect(maxDiff(logitsOf({ ...base, ...adapters }, cfg, true), logitsOf(base, plain))).toBe(0);
  const back = loadAdapter(adapterDir, plain);
  expect(back.lora).toEqual(lora);
  expect(maxDiff(logitsOf({ ...base, ...back.params }, cfg), withAdapters)).toBe(0);
  tf.dispose([...Object.values(merged), ...Object.values(mergedParams), ...Object.values(back.params)]);
});

it("training steps change the adapters and leave every base weight bit-identical", () => {
  const before = Object.fromEntries(Object.entries(base).map(([k, v]) => [k, Buffer.from((v.dataSync() as Float32Array).slice().buffer)]));
  const trained = initLora(cfg, lora, 5);
  const p = { ...base, ...trained };
  const m = Object.fromEntries(Object.entries(trained).map(([k, v]) => [k, tf.zerosLike(v)]));
  const v2 = Object.fromEntries(Object.entries(trained).map(([k, v]) => [k, tf.zerosLike(v)]));
  const b = { x: tf.tensor2d(xs, undefined, "int32"), y: tf.tensor2d(ys, undefined, "int32"), m: tf.tensor2d(mask), tokens: 22 };
  const losses: number[] = [];
  for (let t = 1; t <= 30; t++) {
    const { value, grads } = tf.variableGrads(() => sftLoss(p, cfg, b), Object.values(trained));
    losses.push(value.dataSync()[0]);
    adamwStep(trained, Object.fromEntries(Object.entries(trained).map(([k, v]) => [k, grads[v.name]])), m, v2, t, 1e-2, 0, 1);
    tf.dispose([value, ...Object.values(grads)]);
  }
  expect(losses[29]).toBeLessThan(losses[0] * 0.7);
  for (const [k, v] of Object.entries(base)) expect(Buffer.from((v.dataSync() as Float32Array).buffer).equals(before[k]), k).toBe(true);
  tf.dispose([...Object.values(trained), ...Object.values(m), ...Object.values(v2), b.x, b.y, b.m]);
});

it.skipIf(noTorch)(`merge-lora writes a full checkpoint that PyTorch reads as base + adapter within 1e-5${why}`, async () => {
  const out = path.join(tmp("tl-merged-"), "m");
  expect(await runTrainerCli(["merge-lora", "--model", ckpt, "--adapter", adapterDir, "--out", out])).toBe(0);
  expect(fs.existsSync(path.join(out, "adapter_config.json"))).toBe(false);
  expect(maxDiff(torchLogits(out, xs), torchLogits(hf, xs, adapterDir))).toBeLessThan(1e-5);
  expect(await runTrainerCli(["merge-lora", "--model", ckpt, "--adapter", hf, "--out", path.join(tmp("tl-merged-"), "never")])).toBe(2);
});
