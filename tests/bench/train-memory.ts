// Bench child, run by tests/bench/train.ts in its own process (the wasm heap only grows, so each configuration needs a
// fresh one; `npm run bench -- train-memory '<json>'` runs it alone): SFT steps of the `small` preset on the wasm
// backend at a given context, each update `passes` passes of `sequences` sequences whose gradients are summed, with the
// blocks recomputed in backward or not. Prints one JSON line: tokens/s, ms per update, the heap's high-water mark.
// Usage: tsx tests/bench/train-memory.ts '{"seq":512,"sequences":8,"passes":1,"recompute":true,"steps":3}'
import * as tf from "@tensorflow/tfjs";
import { chooseBackend } from "@/trainer/backend";
import { presets } from "@/trainer/config";
import { sftBatch } from "@/trainer/data";
import { sftLoss } from "@/trainer/losses";
import { initParams } from "@/trainer/model";
import { adamwStep } from "@/trainer/optim";
import { memoryHighWater } from "@/trainer/train";

const o = JSON.parse(process.argv[2] ?? "{}") as { seq?: number; sequences?: number; passes?: number; recompute?: boolean; steps?: number };
const [seq, n, passes, steps] = [o.seq ?? 512, o.sequences ?? 2, o.passes ?? 1, Math.max(2, o.steps ?? 3)];
await chooseBackend("wasm", false);
const cfg = { ...presets.small, blockSize: Math.max(presets.small.blockSize, seq) };
const params = initParams(cfg, 1);
const m = Object.fromEntries(Object.entries(params).map(([k, p]) => [k, tf.zerosLike(p)]));
const v = Object.fromEntries(Object.entries(params).map(([k, p]) => [k, tf.zerosLike(p)]));
// Every sequence fills the context (real examples of the retrain bench are longer than 512 bytes and are cut to it).
const examples = Array.from({ length: n }, (_, i) => {
  const ids = Array.from({ length: seq + 1 }, (_, t) => (i * 31 + t * 7) % 256);
  return { ids, mask: ids.map(() => 1) };
});
const names = Object.keys(params);
const step = (t: number) => {
  let sum: tf.Tensor[] | null = null;
  for (let k = 0; k < passes; k++) {
    const b = sftBatch(examples, 260);
    const { value, grads } = tf.variableGrads(() => sftLoss(params, cfg, b, o.recompute === true), Object.values(params));
    const g = names.map((name) => grads[params[name].name]);
    if (!sum) sum = g;
    else {
      const prev: tf.Tensor[] = sum;
      sum = prev.map((x, i) => tf.tidy(() => x.add(g[i])));
      tf.dispose([...prev, ...g]);
    }
    value.dataSync();
    tf.dispose([value, b.x, b.y, b.m]);
  }
  adamwStep(params, Object.fromEntries(names.map((name, i) => [name, sum![i]])), m, v, t, 3e-4, 0.1, 1);
  tf.dispose(sum!);
};
step(1);
const t0 = performance.now();
for (let t = 2; t <= steps; t++) step(t);
const seconds = (performance.now() - t0) / 1000;
process.stdout.write(JSON.stringify({ seq, sequences: n, passes, recompute: o.recompute === true, steps: steps - 1, tokensPerSec: +((seq * n * passes * (steps - 1)) / seconds).toFixed(1), msPerUpdate: Math.round((seconds * 1000) / (steps - 1)), peakMiB: Math.round(memoryHighWater() / 2 ** 20) }) + "\n");
