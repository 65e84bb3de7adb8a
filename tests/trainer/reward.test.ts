// The reward model (stage rm): the head's and the backbone's gradients against finite differences of a float64
// reference (padded pairs of unequal length: the head reads each sequence's last non-pad token), and a run that learns
// a synthetic preference and reports held-out pairwise accuracy, with score.weight in its checkpoint.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import * as tf from "@tensorflow/tfjs";
import { beforeAll, expect, it, vi } from "vitest";
import { chooseBackend } from "@/trainer/backend";
import { loadCheckpoint } from "@/trainer/checkpoint";
import { runTrainerCli } from "@/trainer/cli";
import type { ModelConfig } from "@/trainer/config";
import { toVariables } from "@/trainer/model";
import { importHf } from "@/trainer/import-hf";
import { readSafetensorsFile } from "@/trainer/safetensors";
import { rewardBatch, rewardLoss, rewards, SCORE, scoreSequences } from "@/trainer/reward";
import { byteTokenizer } from "@/trainer/tokenizer";
import { train, type TrainEvent, type TrainOptions } from "@/trainer/train";
import { randomGpt2Weights } from "@/tests/helpers/trainer-hf-folder";
import { writeRandomLlama } from "@/tests/helpers/trainer-llama-folder";
import { referenceRewardLoss, type RefWeights } from "@/tests/helpers/trainer-reference-gpt2";
import { freshOut, writeSnapshot } from "@/tests/helpers/trainer-snapshot";

beforeAll(async () => {
  await chooseBackend("cpu", false);
});

it("matches central finite differences of the float64 reference Bradley–Terry loss, head and backbone", () => {
  const cfg: ModelConfig = { vocabSize: 40, blockSize: 16, nLayer: 2, nHead: 2, nEmbd: 8, tokenizer: "byte" };
  const weights = randomGpt2Weights({ nLayer: 2, nHead: 2, nEmbd: 8, nPositions: 16, dtype: "F32", seed: 5 }, cfg.vocabSize);
  // The head [C, 1]: large enough that the margins are not ≈ 0 (a loss near log 2 everywhere would test little).
  weights[SCORE] = { shape: [8, 1], data: Float32Array.from({ length: 8 }, (_, c) => Math.sin(3 * c + 1)) };
  const seq = (n: number, a: number, b: number) => Array.from({ length: n }, (_, t) => (t * a + b) % 37);
  // Pairs of unequal lengths, so right padding (id 39) sits after the shorter sequences' last tokens.
  const pairs: Array<[number[], number[]]> = [[seq(9, 7, 3), seq(6, 11, 5)], [seq(7, 5, 2), seq(11, 3, 9)]];
  const p = toVariables(Object.fromEntries(Object.entries(weights).map(([k, v]) => [k, tf.tensor(v.data, v.shape)])));
  const b = rewardBatch(pairs.flat(), 39, cfg.blockSize);
  const { value, grads } = tf.variableGrads(() => rewardLoss(rewards(p, cfg, b)).loss, Object.values(p));
  const ref64: RefWeights = Object.fromEntries(Object.entries(weights).map(([k, v]) => [k, { shape: v.shape, data: Float64Array.from(v.data) }]));
  const refLoss = referenceRewardLoss(ref64, cfg, pairs);
  expect(Math.abs(value.dataSync()[0] - refLoss)).toBeLessThan(1e-5);
  expect(Math.abs(refLoss - Math.log(2))).toBeGreaterThan(0.01);

  const h = 1e-5;
  let checked = 0;
  for (const [name, v] of Object.entries(p)) {
    const g = grads[v.name].dataSync();
    const data = ref64[name].data as Float64Array;
    const largest = Array.from(g).reduce((best, x, i) => (Math.abs(x) > Math.abs(g[best]) ? i : best), 0);
    const picks = new Set([0, Math.floor(data.length / 3), data.length - 1, largest, ...(name === "wte.weight" ? [pairs[0][0][4] * cfg.nEmbd + 2] : []), ...(name === SCORE ? [1, 2, 5] : [])]);
    for (const i of picks) {
      const keep = data[i];
      data[i] = keep + h;
      const up = referenceRewardLoss(ref64, cfg, pairs);
      data[i] = keep - h;
      const down = referenceRewardLoss(ref64, cfg, pairs);
      data[i] = keep;
      const fd = (up - down) / (2 * h);
      expect(Math.abs(g[i] - fd), `${name}[${i}]: model ${g[i]}, finite difference ${fd}`).toBeLessThan(2e-5 + 1e-3 * Math.abs(fd));
      checked += 1;
    }
  }
  // the head's gradient is not zero (it is what a reward model learns first)
  expect(Math.max(...Array.from(grads[p[SCORE].name].dataSync(), Math.abs))).toBeGreaterThan(1e-3);
  expect(checked).toBeGreaterThan(90);
  tf.dispose([value, ...Object.values(grads), ...Object.values(p), b.x, b.last]);
});

/** Preference pairs: the chosen reply is polite ("please …"), the rejected one rude, on varied prompts. */
const things = ["door", "salt", "book", "lamp", "map", "pen", "cup", "key", "coat", "bag", "fork", "rope", "box", "seed", "ring", "bell"];
const pair = (i: number): [string, string, string] => [`ask for the ${things[i % things.length]} ${i}`, `please pass the ${things[i % things.length]}, thank you`, `give me the ${things[i % things.length]} now!`];
// Held out: prompts (numbers) the run never saw.
const preferenceSnapshot = () => writeSnapshot({ prefs: Array.from({ length: 24 }, (_, i) => pair(i)), prefsEval: Array.from({ length: 10 }, (_, i) => pair(100 + i)) });

it("trains stage rm: held-out pairwise accuracy above 0.8, reported as eval metrics, and score.weight in the checkpoint", async () => {
  await chooseBackend(process.env.TUNELOOP_TF_BACKEND ?? "wasm", false);
  const out = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "tl-rm-")), "ckpt");
  const opts: TrainOptions = { snapshot: preferenceSnapshot(), out, stage: "rm", init: "tiny", model: { nLayer: 2, nHead: 2, nEmbd: 32 }, steps: 30, lr: 3e-3, batch: 8, beta: 0.1, seed: 3, evalEvery: 10, saveEvery: 1000, weightDecay: 0, maxGradNorm: 1, blockSize: 64, resume: false };
  const events: TrainEvent[] = [];
  const final = await train(opts, (e) => events.push(e));
  const evals = events.filter((e): e is Extract<TrainEvent, { type: "eval" }> => e.type === "eval");
  expect(evals.map((e) => e.stage)).toEqual(["rm", "rm", "rm"]);
  const first = evals[0].metrics;
  const last = evals[evals.length - 1].metrics;
  expect(Object.keys(last).sort()).toEqual(["accuracy", "loss", "margin"]);
  expect(last.accuracy).toBeGreaterThan(0.8);
  expect(last.loss!).toBeLessThan(first.loss!);
  expect(last.loss!).toBeLessThan(Math.log(2));
  expect(final!["eval/accuracy"]).toBe(last.accuracy);
  expect(final!["eval/loss"]).toBeCloseTo(last.loss!, 5);
  // The head is stored as HF's nn.Linear holds it, [1, C]; loading gives it back [C, 1] with the backbone.
  const stored = readSafetensorsFile(path.join(out, "model.safetensors"));
  expect(stored[SCORE].shape).toEqual([1, 32]);
  const { cfg, params } = loadCheckpoint(out);
  expect(params[SCORE].shape).toEqual([32, 1]);
  expect(JSON.parse(fs.readFileSync(path.join(out, "config.json"), "utf8")).stage).toBe("rm");
  // The loaded model ranks the held-out pairs as the run's final evaluation said.
  const tok = byteTokenizer;
  const seqs = [0, 1, 2].flatMap((i) => {
    const prompt = tok.renderPrompt([{ role: "user", content: `ask for the cup ${200 + i}` }]);
    return [[...prompt, ...tok.renderResponse([{ role: "assistant", content: "please pass the cup, thank you" }])], [...prompt, ...tok.renderResponse([{ role: "assistant", content: "give me the cup now!" }])]];
  });
  const r = scoreSequences(params, cfg, seqs, 4, tok.pad);
  for (let i = 0; i < 3; i++) expect(r[2 * i]).toBeGreaterThan(r[2 * i + 1]);

  // `tuneloop score`: one score event a row, the same figures (prompt rendered as a chat, the reply as a response).
  const input = path.join(path.dirname(out), "rows.jsonl");
  fs.writeFileSync(input, [0, 1].map((i) => JSON.stringify({ id: `r${i}`, messages: [{ role: "user", content: "ask for the cup 200" }], response: i ? "give me the cup now!" : "please pass the cup, thank you" })).join("\n"));
  const lines: string[] = [];
  const spy = vi.spyOn(process.stdout, "write").mockImplementation((x) => (lines.push(String(x)), true));
  const errs = vi.spyOn(process.stderr, "write").mockImplementation(() => true);
  try {
    expect(await runTrainerCli(["score", "--model", out, "--input", input, "--json"])).toBe(0);
    // a checkpoint without a head is refused, naming the flag (exit 2)
    const policy = path.join(path.dirname(out), "policy");
    await train({ ...opts, out: policy, stage: "dpo", steps: 1 }, () => {});
    expect(await runTrainerCli(["score", "--model", policy, "--input", input, "--json"])).toBe(2);
  } finally {
    spy.mockRestore();
    errs.mockRestore();
  }
  const scored = lines.map((l) => JSON.parse(l) as { type: string; id?: string; score?: number; message?: string });
  expect(scored.slice(0, 2).map((e) => e.id)).toEqual(["r0", "r1"]);
  expect(scored[0].score).toBeCloseTo(r[0], 4);
  expect(scored[1].score).toBeCloseTo(r[1], 4);
  expect(scored.at(-1)).toMatchObject({ type: "error", code: "usage", message: expect.stringMatching(/^--model .*: not a reward model/) });
  tf.dispose(Object.values(params));
}, 300_000);

it("trains stage rm with LoRA: the base stays frozen, the head trains beside the adapters, and a resumed run ends where an unbroken one does", async () => {
  await chooseBackend(process.env.TUNELOOP_TF_BACKEND ?? "wasm", false);
  const hf = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "tl-rm-hf-")), "hf");
  writeRandomLlama(hf, { family: "llama", hidden: 32, heads: 4, kvHeads: 2, layers: 2, intermediate: 64, maxPositions: 64, tied: true, dtype: "F32", seed: 4 });
  const base = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "tl-rm-base-")), "base");
  importHf(hf, base);
  const snap = preferenceSnapshot();
  const opts = (o: Partial<TrainOptions>): TrainOptions => ({ snapshot: snap, out: freshOut(), stage: "rm", from: base, lora: { rank: 4, alpha: 8, targets: ["q", "v", "up"] }, steps: 12, lr: 1e-2, batch: 8, beta: 0.1, seed: 5, evalEvery: 1000, saveEvery: 6, weightDecay: 0, maxGradNorm: 1, resume: false, ...o });
  const unbroken = opts({});
  const evs: TrainEvent[] = [];
  const final = await train(unbroken, (e) => evs.push(e));
  expect(final!["eval/accuracy"]).toBeGreaterThanOrEqual(0);
  const stored = readSafetensorsFile(path.join(unbroken.out, "model.safetensors"));
  const baseStored = readSafetensorsFile(path.join(base, "model.safetensors"));
  expect(stored[SCORE].shape).toEqual([1, 32]);
  // not an adapted projection: the base's, bit for bit
  for (const k of ["model.embed_tokens.weight", "model.layers.0.self_attn.k_proj.weight", "model.norm.weight"]) expect(Buffer.from(stored[k].data.buffer).equals(Buffer.from(baseStored[k].data.buffer)), k).toBe(true);
  expect(fs.existsSync(path.join(unbroken.out, "adapter_model.safetensors"))).toBe(true);
  expect(JSON.parse(fs.readFileSync(path.join(unbroken.out, "config.json"), "utf8")).tuneloop.stage).toBe("rm");

  // Stopped after its step-6 checkpoint and resumed: the head comes back from the checkpoint, not fresh.
  const broken = opts({});
  const controller = new AbortController();
  await train(broken, (e) => {
    if (e.type === "step" && e.step === 8) controller.abort();
  }, controller.signal);
  const resumed: TrainEvent[] = [];
  await train({ ...broken, resume: true }, (e) => resumed.push(e));
  const lastLoss = (ev: TrainEvent[]) => Number(ev.filter((e) => e.type === "step").pop()!.loss);
  expect(resumed.find((e) => e.type === "step")!.step).toBe(7);
  expect(Math.abs(lastLoss(resumed) - lastLoss(evs)) / lastLoss(evs)).toBeLessThan(1e-3);
}, 300_000);
