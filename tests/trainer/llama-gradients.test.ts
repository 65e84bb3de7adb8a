// Gradients of the Llama-family model (RMSNorm, RoPE, grouped-query attention, SwiGLU, q/k/v bias, untied head)
// against PyTorch autograd in float64 of the same weights (tests/helpers/torch-llama.py): every parameter tensor, on
// the JS CPU backend and on wasm (whose matMul, bias and SiLU gradients are this project's own).
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import * as tf from "@tensorflow/tfjs";
import { afterAll, describe, expect, it } from "vitest";
import { chooseBackend } from "@/trainer/backend";
import { loadCheckpoint } from "@/trainer/checkpoint";
import { importHf } from "@/trainer/import-hf";
import { sftLoss } from "@/trainer/losses";
import { isLinearWeight } from "@/trainer/hf-llama";
import { writeRandomLlama } from "@/tests/helpers/trainer-llama-folder";
import { torchLossAndGrads, torchMissing } from "@/tests/helpers/torch-reference";

const noTorch = torchMissing();
const hf = fs.mkdtempSync(path.join(os.tmpdir(), "tl-llama-"));
// Qwen2-shaped (q/k/v biases) with GQA and an untied head: every kind of parameter the family has but o/MLP biases.
writeRandomLlama(hf, { family: "qwen2", hidden: 16, heads: 4, kvHeads: 2, layers: 2, intermediate: 24, maxPositions: 32, tied: false, dtype: "F32", seed: 21 });
const ckpt = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "tl-ckpt-")), "q");
const xs = [Array.from({ length: 18 }, (_, t) => (t * 7 + 3) % 250), Array.from({ length: 18 }, (_, t) => (t * 11 + 5) % 250)];
const ys = xs.map((row) => row.map((v) => (v * 3 + 1) % 260));
const mask = xs.map((row) => row.map((_, t) => (t >= 4 ? 1 : 0)));
const ref = noTorch ? null : torchLossAndGrads(hf, xs, ys, mask);

afterAll(async () => {
  await chooseBackend("cpu", false);
});

describe.each(["cpu", "wasm"])("on the %s backend", (backend) => {
  it.skipIf(noTorch)(`every parameter's gradient equals PyTorch autograd's within float32 tolerance${noTorch ? ` (skipped: ${noTorch})` : ""}`, async () => {
    await chooseBackend(backend, false);
    if (!fs.existsSync(ckpt)) importHf(hf, ckpt);
    const { cfg, params } = loadCheckpoint(ckpt);
    const b = { x: tf.tensor2d(xs, undefined, "int32"), y: tf.tensor2d(ys, undefined, "int32"), m: tf.tensor2d(mask), tokens: 28 };
    const { value, grads } = tf.variableGrads(() => sftLoss(params, cfg, b), Object.values(params));
    expect(Math.abs(value.dataSync()[0] - ref!.loss)).toBeLessThan(1e-5);
    let worst = 0;
    for (const [name, v] of Object.entries(params)) {
      // The model holds Linear weights [in, out]; torch's gradient is in HF's [out, in].
      const g = tf.tidy(() => (isLinearWeight(name) ? grads[v.name].transpose() : grads[v.name]).dataSync());
      const want = ref!.grads[name];
      expect(want, name).toBeDefined();
      expect(g.length).toBe(want.length);
      const scale = Math.max(...want.map(Math.abs));
      expect(scale, `${name}: gradient not trivially zero`).toBeGreaterThan(1e-6);
      for (let i = 0; i < g.length; i++) {
        const err = Math.abs(g[i] - want[i]);
        expect(err, `${name}[${i}]: model ${g[i]}, torch ${want[i]}`).toBeLessThan(1e-5 + 1e-3 * scale);
        worst = Math.max(worst, err / scale);
      }
    }
    console.log(`${backend}: ${Object.keys(params).length} tensors, worst error ${worst.toExponential(2)} of each tensor's largest gradient`);
    tf.dispose([value, ...Object.values(grads), ...Object.values(params), b.x, b.y, b.m]);
  });
});
