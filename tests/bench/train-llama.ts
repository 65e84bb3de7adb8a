// Bench child, run by tests/bench/train.ts in its own process (so its peak RSS is its own and a wasm heap that runs
// out cannot take the bench down; `npm run bench -- train-llama` runs it alone): training steps of a SmolLM2-135M-
// shaped Llama (random weights, tied head, sequence 512, batch 1) on a TensorFlow.js backend, LoRA r=8 α=16 on all
// seven projections or full fine-tuning.
// Prints one JSON line: tokens/s, steps, trainable parameters, peak RSS (VmHWM).
// Usage: npm run bench -- train-llama [--json] [{"backend":"wasm","mode":"lora"|"full","seq":512,"seconds":60}]
import fs from "node:fs";
import * as tf from "@tensorflow/tfjs";
import { chooseBackend } from "@/trainer/backend";
import { modelConfigSchema, type LoraOptions } from "@/trainer/config";
import { sftBatch } from "@/trainer/data";
import { initLora } from "@/trainer/lora";
import { sftLoss } from "@/trainer/losses";
import { initParams, type Params } from "@/trainer/model";
import { adamwStep } from "@/trainer/optim";
import { BENCH_LORA, SMOLLM2_135M } from "@/tests/helpers/trainer-bench-llama";

// SmolLM2-135M's config.json in this trainer's terms: 30 layers, width 576, 9 heads over 3 key/value heads.
const LORA = BENCH_LORA as LoraOptions;

// `npm run bench -- train-llama [--json]` passes only the flag (the output is one JSON line either way); the parent
// bench (tests/helpers/trainer-bench-llama.ts) passes the options as JSON.
const o = JSON.parse(process.argv.slice(2).find((a) => a.startsWith("{")) ?? "{}") as { backend?: string; mode?: "lora" | "full"; seq?: number; seconds?: number };
const seq = o.seq ?? 512;
const s = SMOLLM2_135M;
await chooseBackend(o.backend ?? "wasm", false);
const lora = o.mode === "full" ? undefined : LORA;
const cfg = modelConfigSchema.parse({
  vocabSize: s.vocab, blockSize: Math.max(seq, 8), nLayer: s.layers, nHead: s.heads, nEmbd: s.hidden, tokenizer: "hf", lora,
  llama: { architecture: "LlamaForCausalLM", nKvHead: s.kvHeads, headDim: s.hidden / s.heads, intermediateSize: s.inter, ropeTheta: 100000, ropeScaling: null, rmsNormEps: 1e-5, qkvBias: false, oBias: false, mlpBias: false, tiedHead: true },
});
const base = initParams(cfg, 1);
const trained: Params = lora ? initLora(cfg, lora, 2) : base;
const params: Params = { ...base, ...trained };
const m = Object.fromEntries(Object.entries(trained).map(([k, p]) => [k, tf.zerosLike(p)]));
const v = Object.fromEntries(Object.entries(trained).map(([k, p]) => [k, tf.zerosLike(p)]));
const ids = Array.from({ length: seq + 1 }, (_, t) => (t * 7919 + 13) % s.vocab);
const step = (t: number) => {
  const b = sftBatch([{ ids, mask: ids.map(() => 1) }], 0);
  const { value, grads } = tf.variableGrads(() => sftLoss(params, cfg, b), Object.values(trained));
  adamwStep(trained, Object.fromEntries(Object.entries(trained).map(([k, p]) => [k, grads[p.name]])), m, v, t, 3e-4, 0.1, 1);
  value.dataSync();
  tf.dispose([value, ...Object.values(grads), b.x, b.y, b.m]);
};
step(1);
let n = 0;
const t0 = performance.now();
while (n < 2 || (performance.now() - t0) / 1000 < (o.seconds ?? 60)) step(2 + n++);
const seconds = (performance.now() - t0) / 1000;
const hwm = Number(/VmHWM:\s+(\d+) kB/.exec(fs.readFileSync("/proc/self/status", "utf8"))?.[1] ?? NaN);
const count = (p: Params) => Object.values(p).reduce((a, x) => a + x.size, 0);
process.stdout.write(JSON.stringify({ backend: tf.getBackend(), mode: lora ? "lora" : "full", seq, steps: n, tokensPerSec: +((seq * n) / seconds).toFixed(1), msPerStep: Math.round((seconds * 1000) / n), parameters: count(base), trainable: count(trained), peakRssMb: Math.round(hwm / 1024) }) + "\n");
