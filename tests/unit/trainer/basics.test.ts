// Trainer basics: tokenizer and chat mask, safetensors round trip, DPO loss against hand values, LR schedule, sampling.
import * as tf from "@tensorflow/tfjs";
import { describe, expect, it } from "vitest";
import { decodeSafetensors, encodeSafetensors } from "@/trainer/checkpoint";
import { sampleToken } from "@/trainer/generate";
import { dpoLoss } from "@/trainer/losses";
import { learningRate } from "@/trainer/optim";
import { SPECIAL, decodeTokens, encodeText, renderChat } from "@/trainer/tokenizer";

describe("tokenizer", () => {
  it("round-trips unicode through bytes", () => {
    const s = "héllo ✓ 日本 🙂";
    expect(decodeTokens(encodeText(s))).toBe(s);
  });
  it("masks only the assistant's tokens and its end token", () => {
    const { ids, mask } = renderChat([{ role: "user", content: "hi" }, { role: "assistant", content: "yo" }]);
    expect(ids).toEqual([SPECIAL.user, 104, 105, SPECIAL.end, SPECIAL.assistant, 121, 111, SPECIAL.end]);
    expect(mask).toEqual([0, 0, 0, 0, 0, 1, 1, 1]);
  });
});

it("safetensors round trip keeps names, shapes and values", () => {
  const t = { "h.0.w": { shape: [2, 3], data: Float32Array.from([1, 2, 3, 4, 5, 6]) }, b: { shape: [1], data: Float32Array.from([-1.5]) } };
  const back = decodeSafetensors(encodeSafetensors(t));
  expect(back["h.0.w"].shape).toEqual([2, 3]);
  expect(Array.from(back["h.0.w"].data)).toEqual([1, 2, 3, 4, 5, 6]);
  expect(Array.from(back.b.data)).toEqual([-1.5]);
});

describe("DPO loss (Rafailov et al. 2023)", () => {
  it("matches values worked by hand", async () => {
    await tf.setBackend("cpu");
    // One pair: policy (w, l) = (−10, −12), reference (−11, −11), β = 0.1.
    // margin = 0.1·[(−10+11) − (−12+11)] = 0.2; loss = −log σ(0.2) = log(1 + e^−0.2) = 0.598139
    const out = dpoLoss(tf.tensor1d([-10, -12]), tf.tensor1d([-11, -11]), 0.1);
    expect(out.loss.dataSync()[0]).toBeCloseTo(0.598139, 5);
    expect(out.chosen.dataSync()[0]).toBeCloseTo(0.1, 6);
    expect(out.rejected.dataSync()[0]).toBeCloseTo(-0.1, 6);
    // d loss / d log π(y_w) = −β·σ(−margin) = −0.1·0.450166 = −0.0450166; for y_l the opposite sign.
    const g = tf.grad((p: tf.Tensor) => dpoLoss(p as tf.Tensor1D, tf.tensor1d([-11, -11]), 0.1).loss)(tf.tensor1d([-10, -12]));
    const [gw, gl] = Array.from(g.dataSync());
    expect(gw).toBeCloseTo(-0.0450166, 6);
    expect(gl).toBeCloseTo(0.0450166, 6);
  });
});

it("warms up linearly, then decays by cosine to 10%", () => {
  expect(learningRate(0, 100, 1, 10)).toBeCloseTo(0.1);
  expect(learningRate(9, 100, 1, 10)).toBeCloseTo(1);
  expect(learningRate(10, 100, 1, 10)).toBeCloseTo(1);
  expect(learningRate(100, 100, 1, 10)).toBeCloseTo(0.1);
});

it("samples greedily at temperature 0 and only from the top-k", () => {
  const logits = Float32Array.from([0.1, 3, 0.2, 2.9]);
  expect(sampleToken(logits, { maxNewTokens: 1, temperature: 0, topK: 0, topP: 1, seed: 1 }, Math.random)).toBe(1);
  for (let i = 0; i < 50; i++) expect([1, 3]).toContain(sampleToken(logits, { maxNewTokens: 1, temperature: 1, topK: 2, topP: 1, seed: 1 }, Math.random));
});
