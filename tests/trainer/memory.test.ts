// Memory planning (trainer/memory.ts) against the real thing: the wasm heap's high-water mark of `tuneloop train` at two
// shapes, measured in fresh processes (the heap only grows, so each shape needs its own), and refusals before anything
// runs: a step that cannot fit exits 2 with the figures, writing nothing.
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { presets } from "@/trainer/config";
import { SAFETY, estimateStepBytes, memoryBudget, planMemory } from "@/trainer/memory";
import { parseTrainerLine, type TrainerEvent } from "@/trainer/protocol";
import { freshOut, writeSnapshot } from "../helpers/trainer-snapshot";

const cli = path.resolve(import.meta.dirname, "../../lib/cli/tuneloop.mjs");
const MiB = 2 ** 20;

function train(args: string[]) {
  const res = spawnSync(process.execPath, [cli, "train", ...args, "--json"], { encoding: "utf8", env: { ...process.env, TUNELOOP_TF_BACKEND: "wasm" }, timeout: 900_000 });
  const events = res.stdout.split("\n").map(parseTrainerLine).filter((e): e is TrainerEvent => e !== null);
  return { status: res.status, stderr: res.stderr, events };
}

/** Examples whose chat renders past seqLen + 1 bytes, so every one is cut to exactly seqLen inputs. */
const longChats = (n: number, seqLen: number): Array<[string, string]> => Array.from({ length: n }, (_, i) => [`Question ${i}: ${"why ".repeat(seqLen / 8)}`, `Answer ${i}: ${"because ".repeat(seqLen / 4)}`]);

describe("memory estimate", () => {
  // Tolerance: the estimate (before its 1.1 safety factor) within 15% of the measured high-water mark, and the planned
  // figure (with the factor) never below it. The measured mark includes emscripten's growth slack (up to 20% or 96 MiB).
  for (const shape of [
    { preset: "tiny" as const, batch: 4, seqLen: 128 },
    { preset: "small" as const, batch: 1, seqLen: 256 },
  ]) {
    it(`${shape.preset} at ${shape.batch} × ${shape.seqLen} tokens: within 15% of the measured wasm heap`, () => {
      const snap = writeSnapshot({ sft: longChats(shape.batch, shape.seqLen) });
      const run = train(["--snapshot", snap, "--init", shape.preset, "--block-size", String(shape.seqLen), "--stage", "sft", "--steps", "2", "--batch", String(shape.batch), "--out", freshOut()]);
      expect(run.status, run.stderr).toBe(0);
      const start = run.events.find((e) => e.type === "start");
      const done = run.events.find((e) => e.type === "done");
      expect(start?.type === "start" && start.plan.microBatch).toBe(shape.batch); // one pass: the measured peak is one pass of `batch`
      const measured = done?.type === "done" ? done.peakBytes! : NaN;
      const estimate = estimateStepBytes({ ...presets[shape.preset], blockSize: shape.seqLen }, shape.batch, shape.seqLen);
      const ratio = estimate / measured;
      expect(ratio, `estimate ${(estimate / MiB).toFixed(0)} MiB, measured ${(measured / MiB).toFixed(0)} MiB`).toBeGreaterThan(0.85);
      expect(ratio).toBeLessThan(1.15);
      expect(SAFETY * estimate).toBeGreaterThanOrEqual(measured);
    }, 240_000);
  }

  // With recomputation: the same tolerance, at shapes whose batch needs several plain passes but one recomputed one
  // (so the planner picks it): small (8 heads, width 256) at 4 × 512 and tiny (4 heads, width 128) at 4 × 1024, where
  // the T×T attention maps weigh most.
  for (const shape of [
    { preset: "small" as const, batch: 4, seqLen: 512 },
    { preset: "tiny" as const, batch: 4, seqLen: 1024 },
  ]) {
    it(`${shape.preset} at ${shape.batch} × ${shape.seqLen} tokens, recomputed: within 15% of the measured wasm heap`, () => {
      const snap = writeSnapshot({ sft: longChats(shape.batch, shape.seqLen) });
      // One step: the peak is the first step's (the optimizer's moments exist before it), and at 2 048–4 096 tokens a
      // step a second one took minutes on a shared machine.
      const run = train(["--snapshot", snap, "--init", shape.preset, "--block-size", String(shape.seqLen), "--stage", "sft", "--steps", "1", "--batch", String(shape.batch), "--eval-every", "100000", "--out", freshOut()]);
      expect(run.status, run.stderr).toBe(0);
      const start = run.events.find((e) => e.type === "start");
      const done = run.events.find((e) => e.type === "done");
      expect(start?.type === "start" && start.plan).toMatchObject({ microBatch: shape.batch, gradAccum: 1, recompute: true });
      const measured = done?.type === "done" ? done.peakBytes! : NaN;
      const cfg = { ...presets[shape.preset], blockSize: shape.seqLen };
      const estimate = estimateStepBytes(cfg, shape.batch, shape.seqLen, true);
      const ratio = estimate / measured;
      expect(ratio, `estimate ${(estimate / MiB).toFixed(0)} MiB, measured ${(measured / MiB).toFixed(0)} MiB`).toBeGreaterThan(0.85);
      expect(ratio).toBeLessThan(1.15);
      expect(SAFETY * estimate).toBeGreaterThanOrEqual(measured);
      // the same pass without recomputation would not have fitted the heap the run stayed inside
      expect(SAFETY * estimateStepBytes(cfg, shape.batch, shape.seqLen)).toBeGreaterThan(memoryBudget("wasm"));
    }, 960_000);
  }

  it("runs the default batch of small at context 512 in one recomputed pass; a batch that fits as it is is not recomputed", () => {
    const plan = planMemory(presets.small, { batch: 8, seqLen: 512, sequencesPerExample: 1, backend: "wasm", totalMem: 16 * 2 ** 30 });
    expect(plan).toMatchObject({ ok: true, microBatch: 8, gradAccum: 1, recompute: true });
    expect(plan.peakBytes).toBeLessThanOrEqual(plan.budgetBytes);
    expect(plan.ok && plan.plainPeakBytes).toBeGreaterThan(plan.budgetBytes);
    expect(planMemory(presets.small, { batch: 2, seqLen: 512, sequencesPerExample: 1, backend: "wasm", totalMem: 16 * 2 ** 30 })).toMatchObject({ ok: true, microBatch: 2, gradAccum: 1, recompute: false });
    // where recomputation would not double the pass, the plain passes are kept (recomputing costs a third more work)
    const seven = planMemory(presets.small, { batch: 8, seqLen: 224, sequencesPerExample: 1, backend: "wasm", totalMem: 16 * 2 ** 30 });
    expect(seven).toMatchObject({ ok: true, recompute: false });
    expect(seven.ok && seven.gradAccum).toBeGreaterThan(1);
  });

  it("trains a GPT-2-size model (124M) at context 1024 on 16 GiB of RAM recomputed, which plain passes could not", () => {
    const gpt2 = { vocabSize: 50257, blockSize: 1024, nLayer: 12, nHead: 12, nEmbd: 768 };
    const req = { batch: 8, seqLen: 1024, sequencesPerExample: 1 as const, backend: "tensorflow", totalMem: 16 * 2 ** 30 };
    expect(SAFETY * estimateStepBytes(gpt2, 1, 1024)).toBeGreaterThan(memoryBudget("tensorflow", req.totalMem));
    expect(planMemory(gpt2, req)).toMatchObject({ ok: true, microBatch: 1, gradAccum: 8, recompute: true });
  });

  it("refuses a 1B model at batch 64 up front, with the figures with and without recomputation", () => {
    const big = { vocabSize: 50257, blockSize: 2048, nLayer: 24, nHead: 16, nEmbd: 2048 };
    for (const backend of ["wasm", "tensorflow"]) {
      const refused = planMemory(big, { batch: 64, seqLen: 2048, sequencesPerExample: 1, backend, totalMem: 32 * 2 ** 30 });
      expect(refused.ok).toBe(false);
      expect(!refused.ok && refused.message).toMatch(/needs about [\d.]+ GiB .* every block recomputed \([\d.]+ GiB without; batch 64 .*more than the [\d.]+ GiB/);
    }
  });
});

describe("a step that cannot fit", () => {
  it("is refused by the CLI with exit 2 and the figures, before the model is allocated, writing nothing", () => {
    const snap = writeSnapshot({ sft: longChats(4, 64) });
    const out = freshOut();
    const t0 = Date.now();
    const run = train(["--snapshot", snap, "--init", "small", "--n-layer", "24", "--n-head", "16", "--n-embd", "2048", "--block-size", "2048", "--stage", "sft", "--batch", "64", "--out", out]);
    expect(run.status).toBe(2);
    const error = run.events.find((e) => e.type === "error");
    expect(error).toMatchObject({ type: "error", code: "memory" });
    expect(error?.type === "error" && error.message).toMatch(/needs about [\d.]+ GiB .* more than the [\d.]+ GiB the wasm backend can use/);
    expect(run.stderr.trim().split("\n").at(-1)).toMatch(/^tuneloop train: sft stage: one training step needs/);
    expect(run.events.some((e) => e.type === "step")).toBe(false);
    expect(fs.existsSync(out)).toBe(false);
    // 24 × 2048² float32 weights would take seconds (and 1.6 GiB) to allocate; the refusal comes first.
    expect(Date.now() - t0).toBeLessThan(60_000);
  }, 90_000);
});
