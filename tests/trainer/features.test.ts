// Training features: pretraining on raw text, gradient accumulation (equal to one big batch), epochs, early stopping
// on eval loss with a patience, a flat live-tensor count from step 10 to step 60, and the new CLI flags.
import fs from "node:fs";
import path from "node:path";
import { spawnSync } from "node:child_process";
import * as tf from "@tensorflow/tfjs";
import { beforeAll, expect, it } from "vitest";
import { chooseBackend } from "@/trainer/backend";
import { train, type TrainEvent, type TrainOptions } from "@/trainer/train";
import { freshOut, writeSnapshot } from "@/tests/helpers/trainer-snapshot";

const root = path.resolve(import.meta.dirname, "../..");
const base: Omit<TrainOptions, "snapshot" | "out" | "stage"> = { init: "tiny", model: { nLayer: 2, nEmbd: 64 }, steps: 10, lr: 3e-3, batch: 8, beta: 0.1, seed: 3, evalEvery: 1000, saveEvery: 1000, weightDecay: 0, maxGradNorm: 1, blockSize: 32, resume: false };
const texts = Array.from({ length: 12 }, (_, i) => `the ${["cat", "dog", "fox", "owl"][i % 4]} sat on the ${["mat", "log", "box"][i % 3]} and ${i % 2 ? "slept" : "sang"}. `.repeat(2));
const steps = (ev: TrainEvent[]) => ev.filter((e) => e.type === "step");

beforeAll(async () => {
  await chooseBackend(process.env.TUNELOOP_TF_BACKEND ?? "wasm", false);
});

it("pretrains a causal LM on raw text: the loss falls and eval reports perplexity", async () => {
  const ev: TrainEvent[] = [];
  const final = await train({ ...base, snapshot: writeSnapshot({ texts, textsEval: texts.slice(0, 2) }), out: freshOut(), stage: "pretrain", steps: 40, evalEvery: 20 }, (e) => ev.push(e));
  const losses = steps(ev).map((e) => Number(e.loss));
  expect(losses.at(-1)!).toBeLessThan(losses[0] * 0.6);
  const evals = ev.filter((e) => e.type === "eval").map((e) => e.metrics as Record<string, number>);
  expect(evals).toHaveLength(2);
  expect(evals[1].perplexity).toBeCloseTo(Math.exp(evals[1].loss), 4);
  expect(final!["eval/loss"]).toBeGreaterThan(0);
});

it("gradient accumulation over 2 micro-batches of 4 trains like batches of 8", async () => {
  // Full-length windows only, so each micro-batch has the same token count and the means agree exactly.
  const snap = writeSnapshot({ texts: texts.map((t) => t.slice(0, 32)) });
  const run = async (batch: number, gradAccum: number) => {
    const ev: TrainEvent[] = [];
    await train({ ...base, snapshot: snap, out: freshOut(), stage: "pretrain", steps: 4, batch, gradAccum }, (e) => ev.push(e));
    return steps(ev).map((e) => Number(e.loss));
  };
  const big = await run(8, 1);
  const accum = await run(4, 2);
  // Step 1 sees the same weights (float32 rounding only); later steps differ by Adam amplifying that rounding.
  expect(Math.abs(accum[0] - big[0]) / big[0]).toBeLessThan(1e-5);
  for (let i = 1; i < big.length; i++) expect(Math.abs(accum[i] - big[i]) / big[i]).toBeLessThan(2e-3);
  expect(big[3]).toBeLessThan(big[0]);
});

it("--epochs sets the steps from the data: 2 passes over 10 examples in batches of 4 is 5 steps", async () => {
  const ev: TrainEvent[] = [];
  const snap = writeSnapshot({ sft: Array.from({ length: 10 }, (_, i) => [`q${i}`, `a${i}`]) });
  await train({ ...base, snapshot: snap, out: freshOut(), stage: "sft", steps: 999, epochs: 2, batch: 4 }, (e) => ev.push(e));
  expect(ev[0]).toMatchObject({ type: "start", totalSteps: 5 });
  expect(steps(ev)).toHaveLength(5);
});

it("stops a stage early when eval loss has not improved for `patience` evaluations", async () => {
  const ev: TrainEvent[] = [];
  // lr 0: the weights never change, so the eval loss never improves after the first evaluation.
  await train({ ...base, snapshot: writeSnapshot({ texts }), out: freshOut(), stage: "pretrain", steps: 50, lr: 0, evalEvery: 2, patience: 2 }, (e) => ev.push(e));
  expect(ev.find((e) => e.type === "early_stop")).toMatchObject({ step: 6, patience: 2 });
  expect(steps(ev)).toHaveLength(6);
  expect(ev.at(-1)!.type).toBe("done");
});

it("keeps the number of live tensors flat from step 10 to step 60 (SFT then DPO, accumulation, evals, saves)", async () => {
  const snap = writeSnapshot({ sft: Array.from({ length: 16 }, (_, i) => [`n${i}`, `v${i}`]), prefs: Array.from({ length: 16 }, (_, i) => [`q${i}`, `good ${i % 3}`, `bad ${i % 5}`]), prefsEval: [["q", "good", "bad"]] });
  const before = tf.memory().numTensors;
  const counts: Record<number, number> = {};
  await train({ ...base, snapshot: snap, out: freshOut(), stage: "sft+dpo", steps: 60, batch: 4, gradAccum: 2, evalEvery: 7, saveEvery: 25 }, (e) => {
    if (e.type === "step") counts[Number(e.step)] = tf.memory().numTensors;
  });
  expect(counts[60]).toBe(counts[10]);
  expect(counts[31]).toBe(counts[10]);
  expect(tf.memory().numTensors).toBe(before);
});

it("the CLI takes --stage pretrain, --epochs, --grad-accum, --patience and size flags, and refuses bad ones", () => {
  const snap = writeSnapshot({ texts: texts.slice(0, 4) });
  const out = freshOut();
  const cli = (...args: string[]) => spawnSync(process.execPath, [path.join(root, "lib/cli/tuneloop.mjs"), "train", "--snapshot", snap, ...args], { encoding: "utf8", env: { ...process.env, TUNELOOP_TF_BACKEND: "wasm" } });
  const ok = cli("--init", "tiny", "--n-layer", "1", "--n-embd", "32", "--block-size", "32", "--stage", "pretrain", "--epochs", "1", "--batch", "2", "--grad-accum", "2", "--patience", "3", "--out", out, "--json");
  expect(ok.status, ok.stderr).toBe(0);
  const events = ok.stdout.trim().split("\n").map((l) => JSON.parse(l));
  expect(events.at(-1)).toMatchObject({ type: "done", checkpoint: out });
  expect(JSON.parse(fs.readFileSync(path.join(out, "config.json"), "utf8"))).toMatchObject({ nLayer: 1, nEmbd: 32, nHead: 4, stage: "pretrain" });
  for (const [args, msg] of [[["--grad-accum", "0"], /--grad-accum/], [["--stage", "rlhf"], /--stage: must be one of pretrain, sft, dpo, rm, sft\+dpo\n/], [["--n-embd", "30"], /divisible/]] as const) {
    const bad = cli("--init", "tiny", "--stage", "pretrain", "--out", freshOut(), ...args);
    expect(bad.status).toBe(2);
    expect(bad.stderr.trim().split("\n")).toHaveLength(1);
    expect(bad.stderr).toMatch(msg);
  }
});
