// Backends: the automatic order and its override, the gather gradient registered for wasm, and a training step on
// wasm equal to the JS CPU backend's (loss and every gradient) to ~1e-4. tfjs-node tests skip, saying why, when absent.
import * as tf from "@tensorflow/tfjs";
import { afterAll, describe, expect, it, vi } from "vitest";
import { chooseBackend, resolvable } from "@/trainer/backend";
import type { ModelConfig } from "@/trainer/config";
import { dpoLoss, sequenceLogProbs, sftLoss } from "@/trainer/losses";
import { initParams, toVariables, type Params } from "@/trainer/model";

const hasNode = resolvable("@tensorflow/tfjs-node");
const hasNodeGpu = resolvable("@tensorflow/tfjs-node-gpu");
const cfg: ModelConfig = { vocabSize: 261, blockSize: 32, nLayer: 2, nHead: 2, nEmbd: 32, tokenizer: "byte" };

/** Loss and gradients (by parameter name) of an SFT and a DPO objective, read back as plain arrays. */
function lossAndGrads(values: Record<string, { shape: number[]; data: Float32Array }>) {
  const p: Params = toVariables(Object.fromEntries(Object.entries(values).map(([k, v]) => [k, tf.tensor(v.data, v.shape)])));
  // 20 positions: attention's products are cut into 2-D matMuls on wasm from 16 rows up (trainer/model.ts).
  const T = 20;
  const ids = Array.from({ length: 4 * T }, (_, i) => (i * 37 + 11) % 256);
  const b = { x: tf.tensor2d(ids, [4, T], "int32"), y: tf.tensor2d(ids.map((t) => (t + 1) % 256), [4, T], "int32"), m: tf.tensor2d(ids.map((_, i) => (i % T > 3 ? 1 : 0)), [4, T]), tokens: 4 * (T - 4) };
  const run = (f: () => tf.Scalar) => {
    const { value, grads } = tf.variableGrads(f, Object.values(p));
    const out = { loss: value.dataSync()[0], grads: Object.fromEntries(Object.entries(p).map(([k, v]) => [k, grads[v.name].dataSync() as Float32Array])) };
    tf.dispose([value, ...Object.values(grads)]);
    return out;
  };
  const sft = run(() => sftLoss(p, cfg, b));
  const dpo = run(() => dpoLoss(sequenceLogProbs(p, cfg, b), tf.tensor1d([-40, -41, -39, -42]), 0.1).loss);
  tf.dispose([b.x, b.y, b.m, ...Object.values(p)]);
  return { sft, dpo };
}

afterAll(async () => {
  await tf.setBackend("cpu");
});

describe("wasm backend", () => {
  it("registers UnsortedSegmentSum (the gather gradient) with TensorFlow's semantics", async () => {
    await chooseBackend("wasm", false);
    const x = tf.tensor3d(Array.from({ length: 5 * 2 * 3 }, (_, i) => i * 0.5), [5, 2, 3]);
    const ids = tf.tensor1d([2, 0, 2, -1, 7], "int32");
    const got = tf.unsortedSegmentSum(x, ids, 3).arraySync();
    await tf.setBackend("cpu");
    expect(got).toEqual(tf.unsortedSegmentSum(x, ids, 3).arraySync());
  });

  it("replaces Slice, SplitV and Unpack with heap-view copies that cut what the CPU backend cuts", async () => {
    const x = tf.tensor4d(Array.from({ length: 3 * 4 * 5 * 6 }, (_, i) => i - 100), [3, 4, 5, 6]);
    const ints = tf.tensor3d(Array.from({ length: 4 * 5 * 6 }, (_, i) => i), [4, 5, 6], "int32");
    const cut = () => [
      tf.slice(x, [1, 2, 0, 3], [2, 2, 5, 2]), // strided on every axis but one
      tf.slice(x, [1, 0, 0, 0], [1, 4, 5, 6]), // one contiguous block
      tf.slice(x.reshape([360]), [7], [11]),
      tf.slice(ints, [0, 1, 2], [4, 3, 3]),
      ...tf.split(x, [1, 2, 2], 2),
      ...tf.split(ints, 2, 0),
      ...tf.unstack(x, 1),
      ...tf.unstack(ints, 2),
      tf.stack(tf.unstack(x.reshape([12, 5, 6]))), // the gradient of unstack is stack, and back
    ];
    await chooseBackend("wasm", false);
    expect(tf.getKernel("Slice", "wasm")).toHaveProperty("replaced", true);
    const onWasm = cut().map((t) => ({ shape: t.shape, dtype: t.dtype, values: t.arraySync() }));
    await tf.setBackend("cpu");
    const onCpu = cut().map((t) => ({ shape: t.shape, dtype: t.dtype, values: t.arraySync() }));
    expect(onWasm).toEqual(onCpu);
    tf.dispose([x, ints]);
  });

  it("runs a training step with the same loss and gradients as the CPU backend (~1e-4)", async () => {
    await tf.setBackend("cpu");
    const init = initParams(cfg, 3);
    const values = Object.fromEntries(Object.entries(init).map(([k, v]) => [k, { shape: v.shape, data: v.dataSync() as Float32Array }]));
    tf.dispose(Object.values(init));
    const cpu = lossAndGrads(values);
    await chooseBackend("wasm", false);
    const wasm = lossAndGrads(values);
    for (const obj of ["sft", "dpo"] as const) {
      expect(Math.abs(wasm[obj].loss - cpu[obj].loss) / Math.abs(cpu[obj].loss)).toBeLessThan(1e-4);
      for (const [k, g] of Object.entries(cpu[obj].grads)) {
        const scale = Math.max(1e-3, ...Array.from(g, Math.abs));
        const diff = Math.max(...Array.from(g, (v, i) => Math.abs(v - wasm[obj].grads[k][i])));
        expect(diff / scale, `${obj} ${k}`).toBeLessThan(1e-4);
      }
      // The embedding's gradient went through the registered kernel and is not zero.
      expect(Math.max(...Array.from(wasm[obj].grads["wte.weight"], Math.abs))).toBeGreaterThan(0);
    }
  });
});

describe("chooseBackend", () => {
  it("takes tfjs-node-gpu, tfjs-node, wasm, cpu in that order and logs the choice", async () => {
    const write = vi.spyOn(process.stderr, "write").mockImplementation(() => true);
    const got = await chooseBackend(undefined);
    const line = String(write.mock.calls.at(-1)?.[0]);
    write.mockRestore();
    expect(got).toBe(hasNode || hasNodeGpu ? "tensorflow" : "wasm");
    expect(line).toMatch(new RegExp(`TensorFlow.js backend: ${got} \\(${hasNodeGpu ? "node-gpu" : hasNode ? "node" : "wasm"}, automatic\\)`));
  });

  it("obeys TUNELOOP_TF_BACKEND and refuses unknown or absent backends with a clear message", async () => {
    expect(await chooseBackend("cpu", false)).toBe("cpu");
    await expect(chooseBackend("gpu", false)).rejects.toThrow(/TUNELOOP_TF_BACKEND=gpu: must be one of node-gpu, node, wasm, cpu/);
    if (!hasNode) await expect(chooseBackend("node", false)).rejects.toThrow(/not installed \(npm install @tensorflow\/tfjs-node\)/);
  });

  it.skipIf(!hasNode)(`trains on tfjs-node like on cpu${hasNode ? "" : " (skipped: @tensorflow/tfjs-node is not installed here; `npm install @tensorflow/tfjs-node` to run it)"}`, async () => {
    await tf.setBackend("cpu");
    const init = initParams(cfg, 3);
    const values = Object.fromEntries(Object.entries(init).map(([k, v]) => [k, { shape: v.shape, data: v.dataSync() as Float32Array }]));
    tf.dispose(Object.values(init));
    const cpu = lossAndGrads(values);
    expect(await chooseBackend("node", false)).toBe("tensorflow");
    expect(Math.abs(lossAndGrads(values).sft.loss - cpu.sft.loss) / cpu.sft.loss).toBeLessThan(1e-4);
  });
});
