// LoRA adapters' gradients against central finite differences of the loss (no reference needed beyond the forward
// pass): for each adapter tensor, the derivative along a random ±1 direction equals the gradient's dot product with
// it. The LoRA blocks run as gradient checkpoints and the frozen projections with their own gradient (trainer/ops.ts),
// so this checks both, on the JS CPU backend and on wasm.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import * as tf from "@tensorflow/tfjs";
import { afterAll, describe, expect, it } from "vitest";
import { chooseBackend } from "@/trainer/backend";
import { loadCheckpoint } from "@/trainer/checkpoint";
import { importHf } from "@/trainer/import-hf";
import { frozenHeadLogProbs } from "@/trainer/head-loss";
import { initLora } from "@/trainer/lora";
import { sftLoss } from "@/trainer/losses";
import type { LoraOptions } from "@/trainer/protocol";
import { writeRandomLlama } from "@/tests/helpers/trainer-llama-folder";

const lora: LoraOptions = { rank: 4, alpha: 8, targets: ["q", "k", "v", "o", "gate", "up", "down"] };
const xs = [Array.from({ length: 12 }, (_, t) => (t * 7 + 3) % 250), Array.from({ length: 12 }, (_, t) => (t * 13 + 1) % 250)];
const ys = xs.map((row) => row.map((v) => (v * 5 + 2) % 260));
const mask = xs.map((row) => row.map((_, t) => (t >= 2 ? 1 : 0)));

afterAll(async () => {
  await chooseBackend("cpu", false);
});

describe.each(["cpu", "wasm"])("on the %s backend", (backend) => {
  it("every adapter's gradient equals the central finite difference of the loss along a random direction", async () => {
    await chooseBackend(backend, false);
    const hf = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "tl-lora-fd-")), "hf");
    writeRandomLlama(hf, { family: "qwen2", hidden: 16, heads: 4, kvHeads: 2, layers: 2, intermediate: 24, maxPositions: 32, tied: false, dtype: "F32", seed: 8 });
    const ckpt = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "tl-lora-fd-")), "c");
    importHf(hf, ckpt);
    const loaded = loadCheckpoint(ckpt);
    const cfg = { ...loaded.cfg, lora };
    const adapters = initLora(cfg, lora, 4);
    // B starts at zero (PEFT's init), where A's gradient is zero too: give B values so both are exercised.
    for (const [k, v] of Object.entries(adapters)) if (k.endsWith("lora_B")) v.assign(tf.randomUniform(v.shape, -0.5, 0.5, "float32", 6));
    const p = { ...loaded.params, ...adapters };
    const b = { x: tf.tensor2d(xs, undefined, "int32"), y: tf.tensor2d(ys, undefined, "int32"), m: tf.tensor2d(mask), tokens: 20 };
    const loss = () => tf.tidy(() => sftLoss(p, cfg, b).dataSync()[0]);
    const { value, grads } = tf.variableGrads(() => sftLoss(p, cfg, b), Object.values(adapters));
    const eps = 1e-3;
    let worst = 0;
    let seed = 100;
    for (const [name, v] of Object.entries(adapters)) {
      const d = tf.tidy(() => tf.randomUniform(v.shape, 0, 1, "float32", seed++).greater(0.5).cast("float32").mul(2).sub(1));
      const analytic = tf.tidy(() => grads[v.name].mul(d).sum().dataSync()[0]);
      const start = v.clone();
      v.assign(tf.tidy(() => start.add(d.mul(eps))));
      const up = loss();
      v.assign(tf.tidy(() => start.sub(d.mul(eps))));
      const down = loss();
      v.assign(start);
      const fd = (up - down) / (2 * eps);
      expect(Math.abs(analytic), name).toBeGreaterThan(1e-3);
      const err = Math.abs(fd - analytic) / Math.abs(analytic);
      worst = Math.max(worst, err);
      expect(Math.abs(fd - analytic), `${name}: gradient·d ${analytic}, finite difference ${fd}`).toBeLessThan(2e-3 + 2e-2 * Math.abs(analytic));
      tf.dispose([d, start]);
    }
    console.log(`LoRA finite differences on ${backend}: ${Object.keys(adapters).length} adapter tensors, worst relative error ${worst.toExponential(2)}`);
    tf.dispose([value, ...Object.values(grads), ...Object.values(p), b.x, b.y, b.m]);
  });
});

describe.each(["cpu", "wasm"])("the frozen head in vocabulary slices on %s", (backend) => {
  it("gives the log-probabilities and hidden-state gradients of the whole-logits path, held [C, V] or [V, C]", async () => {
    await chooseBackend(backend, false);
    const [N, C, V] = [11, 6, 37];
    const h = tf.randomNormal([N, C], 0, 1, "float32", 1) as tf.Tensor2D;
    const w = tf.randomNormal([C, V], 0, 1, "float32", 2) as tf.Tensor2D;
    // targets in every slice, the first and last vocabulary entries among them
    const y = tf.tensor1d(Array.from({ length: N }, (_, i) => (i === 0 ? 0 : i === 1 ? V - 1 : (i * 7) % V)), "int32");
    const weights = tf.randomUniform([N], 0.5, 1.5, "float32", 3);
    // Reference: tfjs's own autodiff through logSoftmax of the whole [N, V] logits.
    const plain = tf.valueAndGrad((x: tf.Tensor) => tf.logSoftmax(tf.matMul(x, w), -1).mul(tf.oneHot(y, V)).sum(-1).mul(weights).sum() as tf.Scalar);
    const wT = w.transpose() as tf.Tensor2D; // a tied head's embedding: the head held [V, C]
    const a = plain(h);
    // slices of 5 (the last one short), of 37 (one slice) and the default
    for (const [head, cols] of [[{ cv: w }, 5], [{ vc: wT }, 5], [{ vc: wT }, 37], [{ cv: w }, undefined], [{ vc: wT }, undefined]] as const) {
      const b = tf.valueAndGrad((x: tf.Tensor) => frozenHeadLogProbs(x as tf.Tensor2D, head, y, cols).mul(weights).sum() as tf.Scalar)(h);
      expect(Math.abs(a.value.dataSync()[0] - b.value.dataSync()[0])).toBeLessThan(1e-4);
      expect(tf.tidy(() => a.grad.sub(b.grad).abs().max().dataSync()[0])).toBeLessThan(1e-5);
      expect(tf.tidy(() => b.grad.abs().max().dataSync()[0])).toBeGreaterThan(1e-2);
      tf.dispose([b.value, b.grad]);
    }
    tf.dispose([h, w, wT, y, weights, a.value, a.grad]);
  });
});
