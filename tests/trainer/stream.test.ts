// Step-by-step sampling for the generation server (trainer/stream.ts): greedy output equals the plainest loop (the
// whole windowed context through forward() per token), also once the window slides past the context; sampled rows
// equal generate.ts's batched generator for the same seed; stopping early leaves no tensor behind.
import * as tf from "@tensorflow/tfjs";
import { beforeAll, expect, it } from "vitest";
import { chooseBackend } from "@/trainer/backend";
import type { ModelConfig } from "@/trainer/config";
import { generateTokens, type SampleOptions } from "@/trainer/generate";
import { forward, initParams, type Params } from "@/trainer/model";
import { sampleSteps } from "@/trainer/stream";
import { byteTokenizer } from "@/trainer/tokenizer";

const cfg: ModelConfig = { vocabSize: byteTokenizer.vocabSize, blockSize: 40, nLayer: 2, nHead: 2, nEmbd: 32, tokenizer: "byte" };
let p: Params;
const prompt = byteTokenizer.renderPrompt([{ role: "user", content: "hello world" }]);

beforeAll(async () => {
  await chooseBackend("cpu", false);
  p = initParams(cfg, 5);
  // Larger weights than GPT-2's init so outputs vary from token to token.
  for (const v of Object.values(p)) if (v.shape.length === 2) v.assign(v.mul(20));
});

/** Runs sampleSteps to the end, a row finishing on the end token; returns each row's tokens. */
function drain(n: number, o: SampleOptions): number[][] {
  const out: number[][] = Array.from({ length: n }, () => []);
  const finished = out.map(() => false);
  for (const picked of sampleSteps(p, cfg, prompt, n, o, finished))
    picked.forEach((t, b) => {
      if (t === byteTokenizer.end) finished[b] = true;
      else if (t >= 0) out[b].push(t);
    });
  return out;
}

it("greedy: equals the no-cache loop over forward(), past the context too", () => {
  const o: SampleOptions = { maxNewTokens: 48, temperature: 0, topK: 0, topP: 1, seed: 1 };
  const want: number[] = [];
  for (let t = 0; t < o.maxNewTokens; t++) {
    const ctx = [...prompt, ...want].slice(-cfg.blockSize);
    const row = tf.tidy(() => forward(p, cfg, tf.tensor2d([ctx], [1, ctx.length], "int32")).slice([0, ctx.length - 1, 0], [1, 1, cfg.vocabSize]).dataSync());
    let next = 0;
    for (let k = 1; k < row.length; k++) if (row[k] > row[next]) next = k;
    if (next === byteTokenizer.end) break;
    want.push(next);
  }
  expect(prompt.length + want.length).toBeGreaterThan(cfg.blockSize);
  expect(drain(2, o)).toEqual([want, want]);
});

it("sampled rows equal generate.ts's batched generator for the same seed", () => {
  const o: SampleOptions = { maxNewTokens: 30, temperature: 1, topK: 0, topP: 0.9, seed: 7 };
  const rows = drain(3, o);
  expect(rows).toEqual(generateTokens(p, cfg, [prompt, prompt, prompt], o, byteTokenizer.end, byteTokenizer.pad));
  expect(new Set(rows.map((r) => r.join())).size).toBeGreaterThan(1);
});

it("stopping after a few steps frees the cache", () => {
  drain(1, { maxNewTokens: 1, temperature: 0, topK: 0, topP: 1, seed: 1 }); // the model's own lasting tensors (a tied head's transpose)
  const before = tf.memory().numTensors;
  const finished = [false];
  const steps = sampleSteps(p, cfg, prompt, 1, { maxNewTokens: 30, temperature: 1, topK: 0, topP: 1, seed: 3 }, finished);
  for (let k = 0; k < 3; k++) expect(steps.next().done).toBe(false);
  steps.return();
  expect(tf.memory().numTensors).toBe(before);
});
