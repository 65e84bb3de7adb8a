// The pilot run (--pilot SHARE): a pilot whose held-out loss falls lets the full run start from the original initial
// weights (the final checkpoint is bit-identical to the same run without a pilot); one whose loss rises (a learning
// rate far too high) stops the run with pilot_failed, both losses in the message, exit 2 and no checkpoint.
import fs from "node:fs";
import { afterEach, beforeAll, expect, it, vi } from "vitest";
import { chooseBackend } from "@/trainer/backend";
import { runTrainerCli } from "@/trainer/cli";
import { parseTrainerLine } from "@/trainer/protocol";
import { train, type TrainEvent, type TrainOptions } from "@/trainer/train";
import { freshOut, writeSnapshot } from "@/tests/helpers/trainer-snapshot";
import path from "node:path";

const chats: Array<[string, string]> = Array.from({ length: 40 }, (_, i) => [`say ${i}`, `number ${i} is ${i % 2 ? "odd" : "even"}`]);
let snap: string;
/** the first test's trained model: a pilot from it at a far too high learning rate makes held-out loss rise */
let trained = "";
const opts = (o: Partial<TrainOptions>): TrainOptions => ({ snapshot: snap, stage: "sft", out: freshOut(), init: "tiny", model: { nLayer: 1, nEmbd: 32, nHead: 2 }, blockSize: 48, steps: 100, lr: 3e-3, batch: 4, beta: 0.1, seed: 5, evalEvery: 1000, saveEvery: 1000, weightDecay: 0, maxGradNorm: 1, resume: false, ...o });

beforeAll(async () => {
  await chooseBackend(process.env.TUNELOOP_TF_BACKEND ?? "wasm", false);
  snap = writeSnapshot({ sft: chats.slice(0, 32), sftEval: chats.slice(32) });
});
afterEach(() => vi.restoreAllMocks());

it("a pilot whose held-out loss falls: the full run starts from the initial weights, as if there had been no pilot", async () => {
  const ev: TrainEvent[] = [];
  const withPilot = opts({ pilot: 0.25 });
  await train(withPilot, (e) => ev.push(e));
  const i = ev.findIndex((e) => e.type === "phase" && e.phase === "pilot");
  const verdict = ev.find((e) => e.type === "pilot");
  expect(i).toBeGreaterThan(ev.findIndex((e) => e.type === "start"));
  expect(verdict).toMatchObject({ share: 0.25, examples: 8, passed: true });
  if (verdict?.type !== "pilot") throw new Error("no pilot event");
  expect(verdict.lossAfter!).toBeLessThan(verdict.lossBefore!);
  expect(ev.findIndex((e) => e.type === "pilot")).toBeLessThan(ev.findIndex((e) => e.type === "step"));
  expect(ev.filter((e) => e.type === "step")).toHaveLength(100);
  const plain = opts({});
  await train(plain, () => {});
  const weights = (dir: string) => fs.readFileSync(path.join(dir, "model.safetensors"));
  expect(weights(withPilot.out).equals(weights(plain.out))).toBe(true);
  const config = JSON.parse(fs.readFileSync(path.join(withPilot.out, "config.json"), "utf8"));
  expect(config.hyperparameters).toMatchObject({ pilot: 0.25, lr: 3e-3, steps: 100 });
  trained = withPilot.out;
});

it("a pilot whose held-out loss rises stops the run: pilot_failed with both losses, exit 2, no checkpoint", async () => {
  const out = freshOut();
  const stdout: string[] = [];
  const stderr: string[] = [];
  vi.spyOn(process.stdout, "write").mockImplementation((s) => (stdout.push(String(s)), true));
  vi.spyOn(process.stderr, "write").mockImplementation((s) => (stderr.push(String(s)), true));
  // lr 0.1 with no clipping from a trained model: Adam's first steps throw the weights far off and held-out loss climbs.
  expect(trained).not.toBe("");
  const code = await runTrainerCli(["train", "--from", trained, "--snapshot", snap, "--stage", "sft", "--steps", "24", "--batch", "4", "--lr", "0.1", "--max-grad-norm", "1000000", "--pilot", "0.5", "--out", out, "--json"]);
  vi.restoreAllMocks();
  const events = stdout.join("").split("\n").map(parseTrainerLine).filter((e) => e !== null);
  const verdict = events.find((e) => e.type === "pilot");
  const error = events.find((e) => e.type === "error");
  expect(code, stderr.join("")).toBe(2);
  expect(verdict).toMatchObject({ share: 0.5, examples: 16, passed: false });
  if (verdict?.type !== "pilot" || error?.type !== "error") throw new Error("missing events");
  expect(verdict.lossAfter!).toBeGreaterThan(verdict.lossBefore!);
  expect(error.code).toBe("pilot_failed");
  expect(error.message).toContain(verdict.lossBefore!.toFixed(4));
  expect(error.message).toContain(verdict.lossAfter!.toFixed(4));
  expect(events.some((e) => e.type === "step")).toBe(false);
  expect(fs.existsSync(out)).toBe(false);
});
