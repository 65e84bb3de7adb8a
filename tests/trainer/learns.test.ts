// The trainer learns: a small model overfits SFT examples and reproduces one by greedy generation; DPO raises
// preference accuracy; a checkpoint resumes to the same loss as an unbroken run.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { spawnSync } from "node:child_process";
import { beforeAll, expect, it } from "vitest";
import { chooseBackend } from "@/trainer/backend";
import { loadCheckpoint } from "@/trainer/checkpoint";
import { generateReplies } from "@/trainer/generate";
import { train, type TrainEvent, type TrainOptions } from "@/trainer/train";

const root = path.resolve(import.meta.dirname, "../..");
function snapshot(sft: Array<[string, string]>, prefs: Array<[string, string, string]> = []) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "tl-snap-"));
  fs.writeFileSync(path.join(dir, "manifest.json"), JSON.stringify({ id: "test" }));
  fs.writeFileSync(path.join(dir, "sft.train.jsonl"), sft.map(([u, a]) => JSON.stringify({ messages: [{ role: "user", content: u }, { role: "assistant", content: a }] })).join("\n"));
  fs.writeFileSync(path.join(dir, "preference.train.jsonl"), prefs.map(([u, c, r]) => JSON.stringify({ prompt: [{ role: "user", content: u }], chosen: [{ role: "assistant", content: c }], rejected: [{ role: "assistant", content: r }] })).join("\n"));
  return dir;
}
const base: Omit<TrainOptions, "snapshot" | "out" | "stage"> = { init: "tiny", steps: 10, lr: 3e-3, batch: 8, beta: 0.1, seed: 7, evalEvery: 1000, saveEvery: 1000, weightDecay: 0, maxGradNorm: 1, blockSize: 48, resume: false };
const out = () => path.join(fs.mkdtempSync(path.join(os.tmpdir(), "tl-ckpt-")), "ckpt");

beforeAll(async () => {
  // wasm: the fast backend every install has (TUNELOOP_TF_BACKEND picks another).
  await chooseBackend(process.env.TUNELOOP_TF_BACKEND ?? "wasm", false);
});

it("overfits SFT examples and reproduces a training response greedily", async () => {
  const examples: Array<[string, string]> = Array.from({ length: 8 }, (_, i) => [`color ${i}`, ["red", "blue", "green", "pink", "gray", "teal", "gold", "navy"][i]]);
  const dir = out();
  const events: TrainEvent[] = [];
  const final = await train({ ...base, snapshot: snapshot(examples), out: dir, stage: "sft", steps: 150 }, (e) => events.push(e));
  const losses = events.filter((e) => e.type === "step").map((e) => Number(e.loss));
  expect(losses[losses.length - 1]).toBeLessThan(0.1);
  expect(final!["train/loss"]).toBeLessThan(0.1);
  const { cfg, params } = loadCheckpoint(dir);
  const [reply] = generateReplies(params, cfg, ["color 3"], { maxNewTokens: 12, temperature: 0, topK: 0, topP: 1, seed: 1 });
  expect(reply).toBe("pink");
});

it("DPO raises training preference accuracy above 0.9 and grows the margin", async () => {
  const prefs: Array<[string, string, string]> = Array.from({ length: 16 }, (_, i) => [`question ${i}`, `good answer ${i % 3}`, `bad reply ${i % 4}`]);
  const events: TrainEvent[] = [];
  await train({ ...base, snapshot: snapshot([["a", "b"]], prefs), out: out(), stage: "dpo", steps: 40, lr: 1e-3 }, (e) => events.push(e));
  const steps = events.filter((e) => e.type === "step").map((e) => e.metrics as Record<string, number>);
  const tail = steps.slice(-5);
  expect(tail.reduce((a, m) => a + m["rewards/accuracies"], 0) / tail.length).toBeGreaterThan(0.9);
  expect(tail[tail.length - 1]["rewards/margins"]).toBeGreaterThan(steps[0]["rewards/margins"]);
});

it("resumes from a checkpoint to the same final loss as an unbroken run", async () => {
  const snap = snapshot(Array.from({ length: 6 }, (_, i) => [`n ${i}`, `v${i}`]));
  const unbroken: TrainEvent[] = [];
  await train({ ...base, snapshot: snap, out: out(), stage: "sft", steps: 12, saveEvery: 6 }, (e) => unbroken.push(e));
  const dir = out();
  const controller = new AbortController();
  await train({ ...base, snapshot: snap, out: dir, stage: "sft", steps: 12, saveEvery: 6 }, (e) => {
    if (e.type === "step" && e.step === 8) controller.abort();
  }, controller.signal);
  const resumed: TrainEvent[] = [];
  await train({ ...base, snapshot: snap, out: dir, stage: "sft", steps: 12, saveEvery: 6, resume: true }, (e) => resumed.push(e));
  const lastLoss = (ev: TrainEvent[]) => Number(ev.filter((e) => e.type === "step").pop()!.loss);
  expect(resumed.find((e) => e.type === "step")!.step).toBe(7);
  expect(Math.abs(lastLoss(resumed) - lastLoss(unbroken)) / lastLoss(unbroken)).toBeLessThan(1e-3);
});

it("the CLI answers bad flags with one line and exit code 2, writing nothing", () => {
  const res = spawnSync(process.execPath, [path.join(root, "lib/cli/tuneloop.mjs"), "train", "--snapshot", "/nonexistent", "--init", "tiny", "--stage", "sft", "--out", "/tmp/tl-never"], { encoding: "utf8" });
  expect(res.status).toBe(2);
  expect(res.stderr.trim().split("\n")).toHaveLength(1);
  expect(res.stderr).toMatch(/not a snapshot/);
  expect(fs.existsSync("/tmp/tl-never")).toBe(false);
  const bad = spawnSync(process.execPath, [path.join(root, "lib/cli/tuneloop.mjs"), "train", "--steps", "many"], { encoding: "utf8" });
  expect(bad.status).toBe(2);
});
