// LoRA runs through the trainer (tuneloop train --lora-rank/--lora-alpha/--lora-targets) on a tiny random Llama: SFT on
// 32 examples overfits with the base frozen (the output's non-adapted weights are the base's bit for bit, its adapted
// ones base + A·B·alpha/r, its optimizer state holds the adapters' moments only); DPO starts at log 2 because its
// reference is the base with adapters off; the output generates and keeps every setting of its run; bad flags exit 2
// with one line naming the flag.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import * as tf from "@tensorflow/tfjs";
import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { chooseBackend } from "@/trainer/backend";
import { decodeSafetensors, loadCheckpoint } from "@/trainer/checkpoint";
import { runTrainerCli } from "@/trainer/cli";
import { importHf } from "@/trainer/import-hf";
import { loadAdapter, mergeLora } from "@/trainer/lora";
import type { LoraOptions } from "@/trainer/protocol";
import { train, type TrainEvent, type TrainOptions } from "@/trainer/train";
import { writeRandomLlama } from "@/tests/helpers/trainer-llama-folder";
import { freshOut, writeSnapshot } from "@/tests/helpers/trainer-snapshot";

const tmp = (p: string) => fs.mkdtempSync(path.join(os.tmpdir(), p));
const lora: LoraOptions = { rank: 8, alpha: 16, targets: ["q", "k", "v", "o", "gate", "up", "down"] };
let base: string;

/** 32 question/answer pairs: each answer is a made-up fact the base cannot know. */
const facts: Array<[string, string]> = Array.from({ length: 32 }, (_, i) => [`item ${i}?`, `${["red", "blue", "green", "gold"][i % 4]} ${(i * 37) % 100}`]);
const opts = (o: Partial<TrainOptions>): TrainOptions => ({ snapshot: "", stage: "sft", out: freshOut(), from: base, steps: 10, lr: 1e-2, batch: 8, beta: 0.1, seed: 3, evalEvery: 1000, saveEvery: 1000, weightDecay: 0, maxGradNorm: 1, resume: false, lora, ...o });

beforeAll(async () => {
  await chooseBackend(process.env.TUNELOOP_TF_BACKEND ?? "wasm", false);
  const hf = path.join(tmp("tl-lora-hf-"), "hf");
  writeRandomLlama(hf, { family: "llama", hidden: 64, heads: 4, kvHeads: 2, layers: 2, intermediate: 128, maxPositions: 64, tied: true, dtype: "F32", seed: 21 });
  base = path.join(tmp("tl-lora-base-"), "base");
  importHf(hf, base);
});

it("SFT with LoRA overfits 32 examples (loss < 0.1); the base stays frozen and out of the optimizer state", async () => {
  const snap = writeSnapshot({ sft: facts, sftEval: facts });
  const o = opts({ snapshot: snap, steps: 200, lr: 1e-2 });
  const ev: TrainEvent[] = [];
  const final = await train(o, (e) => ev.push(e));
  const losses = ev.filter((e) => e.type === "step").map((e) => Number(e.loss));
  console.log(`LoRA SFT on 32 examples: loss ${losses[0].toFixed(3)} → ${losses.at(-1)!.toFixed(3)}, held-out (the same 32) ${final!["eval/loss"].toFixed(4)}`);
  expect(final!["eval/loss"]).toBeLessThan(0.1);

  const stored = (dir: string, f = "model.safetensors") => decodeSafetensors(fs.readFileSync(path.join(dir, f)));
  const [before, after] = [stored(base), stored(o.out)];
  const adapted = /(q|k|v|o|gate|up|down)_proj\.weight$/;
  for (const [k, t] of Object.entries(before)) {
    if (adapted.test(k)) continue;
    expect(Buffer.from(after[k].data.buffer).equals(Buffer.from(t.data.buffer)), k).toBe(true);
  }
  // The adapted weights are the base's plus the adapter's product, and nothing else: the base got no update.
  const { cfg, params } = loadCheckpoint(base);
  const adapter = loadAdapter(o.out, cfg);
  const merged = mergeLora({ ...cfg, lora }, adapter.lora, params, adapter.params);
  const out = loadCheckpoint(o.out);
  let worst = 0;
  let moved = 0;
  for (const [k, t] of Object.entries(merged)) {
    if (!adapted.test(k)) continue;
    worst = Math.max(worst, tf.tidy(() => t.sub(out.params[k]).abs().max().dataSync()[0]));
    moved = Math.max(moved, tf.tidy(() => t.sub(params[k]).abs().max().dataSync()[0]));
  }
  expect(worst).toBeLessThan(1e-6);
  expect(moved).toBeGreaterThan(1e-3);
  const moments = Object.keys(stored(o.out, "optimizer.safetensors"));
  expect(moments.length).toBe(2 * 2 * 7 * 2); // m and v, 2 layers, 7 targets, A and B
  expect(moments.every((k) => /^[mv]\..*\.lora_[AB]$/.test(k))).toBe(true);
  tf.dispose([...Object.values(merged), ...Object.values(params), ...Object.values(adapter.params), ...Object.values(out.params)]);
});

it("DPO with LoRA: the reference is the base with adapters off (first loss log 2), and the loss falls", async () => {
  const snap = writeSnapshot({ prefs: facts.map(([q, a]) => [q, a, a.split(" ").reverse().join(" ")] as [string, string, string]) });
  const ev: TrainEvent[] = [];
  await train(opts({ snapshot: snap, stage: "dpo", steps: 20, lr: 1e-2 }), (e) => ev.push(e));
  const losses = ev.filter((e) => e.type === "step").map((e) => Number(e.loss));
  expect(losses[0]).toBeCloseTo(Math.log(2), 5);
  expect(losses.at(-1)!).toBeLessThan(losses[0] * 0.8);
});

it("a LoRA run stopped after a checkpoint resumes from base + adapter to the unbroken run's weights, bit for bit", async () => {
  const snap = writeSnapshot({ sft: facts.slice(0, 12) });
  const unbroken = opts({ snapshot: snap, steps: 6, saveEvery: 3, batch: 4 });
  await train(unbroken, () => {});
  const broken = opts({ snapshot: snap, steps: 6, saveEvery: 3, batch: 4 });
  const stop = new AbortController();
  const first = await train(broken, (e) => e.type === "step" && e.step === 4 && stop.abort(), stop.signal);
  expect(first).toBeNull();
  expect(JSON.parse(fs.readFileSync(path.join(broken.out, "training_state.json"), "utf8")).step).toBe(3);
  const steps: number[] = [];
  await train({ ...broken, resume: true }, (e) => e.type === "step" && steps.push(e.step));
  expect(steps).toEqual([4, 5, 6]);
  for (const f of ["model.safetensors", "adapter_model.safetensors", "optimizer.safetensors"]) {
    expect(fs.readFileSync(path.join(broken.out, f)).equals(fs.readFileSync(path.join(unbroken.out, f))), f).toBe(true);
  }
});

describe("the CLI", () => {
  let err: string[] = [];
  const quiet = () => {
    err = [];
    vi.spyOn(process.stderr, "write").mockImplementation((s) => (err.push(String(s)), true));
    vi.spyOn(process.stdout, "write").mockImplementation(() => true);
  };
  afterEach(() => vi.restoreAllMocks());

  it("sft+dpo with LoRA writes a checkpoint that generates and keeps every setting of its run", async () => {
    const snap = writeSnapshot({ sft: facts.slice(0, 8), prefs: facts.slice(0, 8).map(([q, a]) => [q, a, "no"] as [string, string, string]) });
    const out = freshOut();
    quiet();
    const code = await runTrainerCli(["train", "--from", base, "--snapshot", snap, "--stage", "sft+dpo", "--steps", "6", "--batch", "4", "--lr", "0.01", "--lora-rank", "4", "--lora-alpha", "8", "--lora-targets", "q,v,down", "--out", out, "--json"]);
    vi.restoreAllMocks();
    expect(code, err.join("")).toBe(0);
    const config = JSON.parse(fs.readFileSync(path.join(out, "config.json"), "utf8"));
    expect(config.tuneloop).toMatchObject({ stage: "sft+dpo", snapshot: "test", lora: { rank: 4, alpha: 8, targets: ["q", "v", "down"], base: path.resolve(base) }, hyperparameters: { steps: 6, batch: 4, lr: 0.01, seed: 1, lora: { rank: 4 } } });
    const peft = JSON.parse(fs.readFileSync(path.join(out, "adapter_config.json"), "utf8"));
    expect(peft).toMatchObject({ peft_type: "LORA", r: 4, lora_alpha: 8, target_modules: ["q_proj", "v_proj", "down_proj"], base_model_name_or_path: path.resolve(base) });
    quiet();
    const gen = await runTrainerCli(["generate", "--model", out, "--prompt", "item 1?", "--max-tokens", "6", "--temperature", "0"]);
    vi.restoreAllMocks();
    expect(gen, err.join("")).toBe(0);
  });

  it.each([
    [["--lora-rank", "0"], "--lora-rank"],
    [["--lora-rank", "x"], "--lora-rank"],
    [["--lora-alpha=-1"], "--lora-alpha"],
    [["--lora-targets", "q,attn"], "--lora-targets"],
    [["--pilot", "0.9"], "--pilot"],
    [["--lora-rank", "8", "--gpt2"], "--lora-rank"],
  ])("%j exits 2 with one line naming %s", async (flags, name) => {
    const snap = writeSnapshot({ sft: facts.slice(0, 2) });
    let from = base;
    if (flags.includes("--gpt2")) {
      // A GPT-2-shaped checkpoint: the flag check reads its config.json only.
      from = tmp("tl-gpt2-");
      fs.writeFileSync(path.join(from, "config.json"), JSON.stringify({ vocabSize: 259, blockSize: 64, nLayer: 1, nHead: 1, nEmbd: 8, tokenizer: "byte" }));
      fs.writeFileSync(path.join(from, "model.safetensors"), "");
    }
    const out = freshOut();
    quiet();
    const code = await runTrainerCli(["train", "--from", from, "--snapshot", snap, "--stage", "sft", "--out", out, ...flags.filter((f) => f !== "--gpt2")]);
    vi.restoreAllMocks();
    expect(code).toBe(2);
    const lines = err.join("").trim().split("\n");
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain(name);
    expect(fs.existsSync(out)).toBe(false);
  });
});
