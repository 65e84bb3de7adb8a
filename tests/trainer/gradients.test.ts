// The model's gradients against finite differences of the independent float64 reference loss (llm.c's test_gpt2
// idea): every parameter tensor, several entries each, within float32 tolerance.
import * as tf from "@tensorflow/tfjs";
import { beforeAll, expect, it } from "vitest";
import { chooseBackend } from "@/trainer/backend";
import type { ModelConfig } from "@/trainer/config";
import { sftLoss } from "@/trainer/losses";
import { paramShapes, toVariables } from "@/trainer/model";
import { randomGpt2Weights } from "@/tests/helpers/trainer-hf-folder";
import { referenceLoss, type RefWeights } from "@/tests/helpers/trainer-reference-gpt2";

const cfg: ModelConfig = { vocabSize: 40, blockSize: 16, nLayer: 2, nHead: 2, nEmbd: 8, tokenizer: "byte" };

beforeAll(async () => {
  await chooseBackend("cpu", false);
});

it("matches central finite differences of the float64 reference loss for every parameter tensor", () => {
  const weights = randomGpt2Weights({ nLayer: 2, nHead: 2, nEmbd: 8, nPositions: 16, dtype: "F32", seed: 11 }, cfg.vocabSize);
  expect(Object.keys(weights).sort()).toEqual(Object.keys(paramShapes(cfg)).sort());
  // Two sequences of 10 tokens; the loss counts the last 7 positions of each (a mask, as SFT uses).
  const xs = [Array.from({ length: 10 }, (_, t) => (t * 7 + 3) % 30), Array.from({ length: 10 }, (_, t) => (t * 11 + 5) % 30)];
  const ys = xs.map((row) => row.map((v) => (v * 3 + 1) % cfg.vocabSize));
  const mask = xs.map((row) => row.map((_, t) => (t >= 3 ? 1 : 0)));

  const p = toVariables(Object.fromEntries(Object.entries(weights).map(([k, v]) => [k, tf.tensor(v.data, v.shape)])));
  const b = { x: tf.tensor2d(xs, undefined, "int32"), y: tf.tensor2d(ys, undefined, "int32"), m: tf.tensor2d(mask), tokens: 14 };
  const { value, grads } = tf.variableGrads(() => sftLoss(p, cfg, b), Object.values(p));
  const ref64: RefWeights = Object.fromEntries(Object.entries(weights).map(([k, v]) => [k, { shape: v.shape, data: Float64Array.from(v.data) }]));
  const refLoss = referenceLoss(ref64, cfg, xs, ys, mask);
  expect(Math.abs(value.dataSync()[0] - refLoss)).toBeLessThan(1e-5);

  const h = 1e-5;
  let checked = 0;
  let worst = 0;
  for (const [name, v] of Object.entries(p)) {
    const g = grads[v.name].dataSync();
    const data = ref64[name].data as Float64Array;
    // Entries spread over the tensor, plus its largest gradient; for wte, a row of a token the batch uses.
    const largest = Array.from(g).reduce((best, x, i) => (Math.abs(x) > Math.abs(g[best]) ? i : best), 0);
    const picks = new Set([0, Math.floor(data.length / 3), data.length - 1, largest, ...(name === "wte.weight" ? [xs[0][4] * cfg.nEmbd + 2] : [])]);
    for (const i of picks) {
      const keep = data[i];
      data[i] = keep + h;
      const up = referenceLoss(ref64, cfg, xs, ys, mask);
      data[i] = keep - h;
      const down = referenceLoss(ref64, cfg, xs, ys, mask);
      data[i] = keep;
      const fd = (up - down) / (2 * h);
      const err = Math.abs(g[i] - fd);
      // float32 tolerance: absolute for near-zero gradients, relative for the rest.
      expect(err, `${name}[${i}]: model ${g[i]}, finite difference ${fd}`).toBeLessThan(2e-5 + 1e-3 * Math.abs(fd));
      worst = Math.max(worst, err / (1e-3 + Math.abs(fd)));
      checked += 1;
    }
  }
  expect(checked).toBeGreaterThan(90);
  console.log(`finite differences: ${checked} entries checked, worst relative error ${worst.toExponential(2)}`);
  tf.dispose([value, ...Object.values(grads), ...Object.values(p), b.x, b.y, b.m]);
});
