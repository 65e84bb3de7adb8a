// Gradient checkpointing in full fine-tuning (trainer/model.ts `recompute`, Chen et al. 2016): every parameter's
// gradient with the blocks recomputed in backward equals the one from the plain tape (within 1e-5), on a tiny GPT-2
// and a tiny Llama-family model (GQA, q/k/v bias, untied head, RoPE), on the JS CPU and wasm backends; and the
// recomputed forward really holds fewer tensors when it ends (the plain tape keeps every block's intermediates).
import * as tf from "@tensorflow/tfjs";
import { afterAll, describe, expect, it } from "vitest";
import { chooseBackend } from "@/trainer/backend";
import type { ModelConfig } from "@/trainer/config";
import { sftLoss } from "@/trainer/losses";
import { initParams, type Params } from "@/trainer/model";

const gpt2: ModelConfig = { vocabSize: 40, blockSize: 16, nLayer: 3, nHead: 2, nEmbd: 8, tokenizer: "byte" };
const llama: ModelConfig = {
  vocabSize: 40,
  blockSize: 16,
  nLayer: 3,
  nHead: 4,
  nEmbd: 16,
  tokenizer: "byte",
  llama: { architecture: "Qwen2ForCausalLM", nKvHead: 2, headDim: 4, intermediateSize: 24, ropeTheta: 10000, ropeScaling: null, rmsNormEps: 1e-6, qkvBias: true, oBias: false, mlpBias: false, tiedHead: false },
};
const xs = [Array.from({ length: 12 }, (_, t) => (t * 7 + 3) % 40), Array.from({ length: 12 }, (_, t) => (t * 11 + 5) % 40)];
const ys = xs.map((row) => row.map((v) => (v * 3 + 1) % 40));
const mask = xs.map((row) => row.map((_, t) => (t >= 3 ? 1 : 0)));

/** Weights of std 0.3 (not the 0.02 of initialisation; norms' gains about 1), so every gradient is well above the tolerance. */
function params(cfg: ModelConfig): Params {
  const p = initParams(cfg, 5);
  Object.entries(p).forEach(([k, v], i) => v.assign(tf.randomNormal(v.shape, /norm|ln_/.test(k) && k.endsWith("weight") ? 1 : 0, 0.3, "float32", 100 + i)));
  return p;
}

/** Loss, gradients by parameter name, and the tensors alive when the forward pass ends (inside the tape). */
function lossAndGrads(p: Params, cfg: ModelConfig, recompute: boolean) {
  const b = { x: tf.tensor2d(xs, undefined, "int32"), y: tf.tensor2d(ys, undefined, "int32"), m: tf.tensor2d(mask), tokens: 18 };
  const before = tf.memory().numTensors;
  let held = 0;
  const { value, grads } = tf.variableGrads(() => {
    const l = sftLoss(p, cfg, b, recompute);
    held = tf.memory().numTensors - before;
    return l;
  }, Object.values(p));
  const out = { loss: value.dataSync()[0], grads: Object.fromEntries(Object.entries(p).map(([k, v]) => [k, grads[v.name].dataSync()])), held };
  tf.dispose([value, ...Object.values(grads), b.x, b.y, b.m]);
  return out;
}

afterAll(async () => {
  await chooseBackend("cpu", false);
});

describe.each(["cpu", "wasm"])("on the %s backend", (backend) => {
  for (const [family, cfg] of [["GPT-2", gpt2], ["Llama", llama]] as const) {
    it(`${family}: recomputed blocks give every parameter the plain tape's gradient within 1e-5`, async () => {
      await chooseBackend(backend, false);
      const p = params(cfg);
      const plain = lossAndGrads(p, cfg, false);
      const re = lossAndGrads(p, cfg, true);
      expect(Math.abs(re.loss - plain.loss)).toBeLessThan(1e-6);
      let worst = 0;
      for (const name of Object.keys(p)) {
        const [g, want] = [re.grads[name], plain.grads[name]];
        expect(g, name).toBeDefined();
        expect(g.length).toBe(want.length);
        expect(Math.max(...Array.from(want, Math.abs)), `${name}: gradient not trivially zero`).toBeGreaterThan(1e-3);
        for (let i = 0; i < g.length; i++) worst = Math.max(worst, Math.abs(g[i] - want[i]));
        expect(worst, name).toBeLessThan(1e-5);
      }
      // The plain tape holds each block's intermediates until backward; the checkpoints hold their inputs only.
      expect(re.held, `tensors held after the forward pass: ${re.held} recomputed, ${plain.held} plain`).toBeLessThan(plain.held / 2);
      console.log(`${backend} ${family}: ${Object.keys(p).length} tensors, worst gradient difference ${worst.toExponential(2)}; tensors held after forward ${re.held} vs ${plain.held}`);
      tf.dispose(Object.values(p));
    });
  }
});
