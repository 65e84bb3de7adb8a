// Benchmark: tokens/s of SFT training steps (forward, backward, AdamW) for the tiny and small configs on each
// TensorFlow.js backend present, achieved FLOP/s against that backend's own measured matMul peak, and PyTorch on the
// CPU (when python3 has torch) with the same architecture, batch and sequence length. Targets: small ≥ 0.5× PyTorch's
// tokens/s on the best backend, and ≥ 50% of the matMul peak. No timed assertions: `met` says what was reached.
// Then `small` as a retrain runs it (`tuneloop train`, wasm, the default batch 8 at context 512) on real-length
// examples (AlpacaEval outputs from ../shared/data, else synthetic text of the same length): tokens/s beside the memory
// plan and the wasm heap's high-water mark; and the same batch as the planner splits it without recomputing the blocks
// in backward and with it (tests/bench/train-memory.ts, a fresh process each): peak heap and tokens/s of both. Then a
// SmolLM2-135M-shaped Llama (random weights, sequence 512) with LoRA r=8 on all seven projections against the same
// step in plain PyTorch: tokens/s and peak RSS (target < 2 GB). The
// PyTorch baseline is only as fast as the BLAS behind its libblas.so.3: the bench reads which library torch loaded
// and gives no ratio against the generic reference BLAS (about 20× slower than OpenBLAS), saying how to install one.
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import zlib from "node:zlib";
import * as tf from "@tensorflow/tfjs";
import { chooseBackend, resolvable, type BackendName } from "@/trainer/backend";
import { presets, type ModelConfig } from "@/trainer/config";
import { sftBatch } from "@/trainer/data";
import { sftLoss } from "@/trainer/losses";
import { planMemory } from "@/trainer/memory";
import { initParams } from "@/trainer/model";
import { adamwStep } from "@/trainer/optim";
import { parseTrainerLine, type TrainerEvent } from "@/trainer/protocol";
import { llamaLoraFigures, torchBlas } from "@/tests/helpers/trainer-bench-llama";
import { report } from "./common";

const SHAPES = { tiny: { batch: 8, seq: 128 }, small: { batch: 4, seq: 256 } } as const;
// 15 s of steps each: with 5 s (two or three `small` steps) one slow step on a shared machine moved the figure by 25%.
const MIN_SECONDS = Number(process.env.BENCH_TRAIN_SECONDS ?? 15);
// The JS CPU backend runs at about 1 GFLOP/s: one small step takes minutes, so it runs only with BENCH_TRAIN_CPU=full.
const cpuFull = process.env.BENCH_TRAIN_CPU === "full";
const present: BackendName[] = (["node-gpu", "node"] as const).filter((n) => resolvable(`@tensorflow/tfjs-${n}`));
const backends: BackendName[] = (process.env.BENCH_TRAIN_BACKENDS?.split(",") as BackendName[] | undefined) ?? [...present, "wasm", "cpu"];

/** Training FLOPs per step: 6 per weight per token for the matMuls (forward 2, backward 4), plus attention's QKᵀ and AV over the full T×T. */
function stepFlops(cfg: ModelConfig, batch: number, seq: number): number {
  const { nLayer: L, nEmbd: C, vocabSize: V } = cfg;
  const perToken = 2 * (12 * L * C * C + V * C) + 2 * 2 * L * seq * C;
  return 3 * perToken * batch * seq;
}

/** The backend's matMul rate on square float32 matrices, best of several sizes (GFLOP/s). */
function matMulPeak(): number {
  let best = 0;
  for (const n of [512, 1024, 2048]) {
    const [a, b] = [tf.randomNormal([n, n]), tf.randomNormal([n, n])];
    tf.matMul(a, b).dispose();
    let reps = 0;
    const t0 = performance.now();
    while (reps < 3 || performance.now() - t0 < 1000) {
      const c = tf.matMul(a, b);
      c.dataSync();
      c.dispose();
      reps += 1;
    }
    best = Math.max(best, (2 * n ** 3 * reps) / ((performance.now() - t0) / 1000) / 1e9);
    tf.dispose([a, b]);
    if (tf.getBackend() === "cpu") break;
  }
  return best;
}

/** Warm-up step, then steps until MIN_SECONDS have passed (at least 2): tokens/s of the whole training step. */
function trainSpeed(name: keyof typeof SHAPES) {
  const { batch, seq } = SHAPES[name];
  const cfg = { ...presets[name], blockSize: Math.max(presets[name].blockSize, seq) };
  const params = initParams(cfg, 1);
  const m = Object.fromEntries(Object.entries(params).map(([k, p]) => [k, tf.zerosLike(p)]));
  const v = Object.fromEntries(Object.entries(params).map(([k, p]) => [k, tf.zerosLike(p)]));
  const examples = Array.from({ length: batch }, (_, i) => {
    const ids = Array.from({ length: seq + 1 }, (_, t) => (i * 31 + t * 7) % 256);
    return { ids, mask: ids.map(() => 1) };
  });
  const step = (t: number) => {
    const b = sftBatch(examples, 260);
    const { value, grads } = tf.variableGrads(() => sftLoss(params, cfg, b), Object.values(params));
    adamwStep(params, Object.fromEntries(Object.entries(params).map(([k, p]) => [k, grads[p.name]])), m, v, t, 3e-4, 0.1, 1);
    value.dataSync();
    tf.dispose([value, ...Object.values(grads), b.x, b.y, b.m]);
  };
  step(1);
  let n = 0;
  const t0 = performance.now();
  while (n < 2 || (performance.now() - t0) / 1000 < MIN_SECONDS) step(2 + n++);
  const seconds = (performance.now() - t0) / 1000;
  tf.dispose([...Object.values(params), ...Object.values(m), ...Object.values(v)]);
  const tokensPerSec = (batch * seq * n) / seconds;
  return { batch, seq, steps: n, msPerStep: Math.round((seconds * 1000) / n), tokensPerSec: Math.round(tokensPerSec), gflops: +((stepFlops(cfg, batch, seq) * n) / seconds / 1e9).toFixed(2) };
}

/** The same GPT-2 block stack in PyTorch (nanoGPT's model, SDPA attention), AdamW and clipping, on all CPU cores. */
const PYTORCH = String.raw`
import json, math, os, sys, time, torch
import torch.nn as nn, torch.nn.functional as F
c = json.loads(sys.argv[1]); V, T, L, H, C, B = c["vocabSize"], c["seq"], c["nLayer"], c["nHead"], c["nEmbd"], c["batch"]
torch.manual_seed(0); torch.set_num_threads(os.cpu_count())
def attend(q, k, v):
    if hasattr(F, "scaled_dot_product_attention"): return F.scaled_dot_product_attention(q, k, v, is_causal=True)
    a = (q @ k.transpose(-2, -1)) / math.sqrt(q.size(-1))  # torch < 2.0 (Debian 12's python3-torch is 1.13)
    return a.masked_fill(torch.ones(T, T, dtype=torch.bool).triu(1), float("-inf")).softmax(-1) @ v
class Block(nn.Module):
    def __init__(s):
        super().__init__(); s.ln_1, s.attn, s.proj = nn.LayerNorm(C), nn.Linear(C, 3 * C), nn.Linear(C, C)
        s.ln_2, s.fc, s.out = nn.LayerNorm(C), nn.Linear(C, 4 * C), nn.Linear(4 * C, C)
    def forward(s, x):
        q, k, v = [t.view(B, T, H, C // H).transpose(1, 2) for t in s.attn(s.ln_1(x)).split(C, dim=2)]
        x = x + s.proj(attend(q, k, v).transpose(1, 2).reshape(B, T, C))
        return x + s.out(F.gelu(s.fc(s.ln_2(x)), approximate="tanh"))
class GPT(nn.Module):
    def __init__(s):
        super().__init__(); s.wte, s.wpe, s.h, s.ln_f = nn.Embedding(V, C), nn.Embedding(T, C), nn.ModuleList(Block() for _ in range(L)), nn.LayerNorm(C)
    def forward(s, idx, y):
        x = s.wte(idx) + s.wpe(torch.arange(T))
        for b in s.h: x = b(x)
        return F.cross_entropy((s.ln_f(x) @ s.wte.weight.t()).view(-1, V), y.view(-1))
m = GPT(); opt = torch.optim.AdamW(m.parameters(), lr=3e-4, betas=(0.9, 0.95), weight_decay=0.1)
x, y = torch.randint(0, 256, (B, T)), torch.randint(0, 256, (B, T))
def step():
    loss = m(x, y); opt.zero_grad(); loss.backward(); nn.utils.clip_grad_norm_(m.parameters(), 1.0); opt.step(); loss.item()
step(); n = 0; t0 = time.time()
while n < 2 or time.time() - t0 < c["seconds"]: step(); n += 1
rate = B * T * n / (time.time() - t0)
# This torch's own matMul rate and BLAS, to read the ratio by: Debian's build uses a generic BLAS.
a = torch.randn(1024, 1024); a @ a; r = 0; t0 = time.time()
while time.time() - t0 < 1: a @ a; r += 1
blas = [l.split("BLAS_INFO=")[1].split(",")[0] for l in torch.__config__.show().splitlines() if "BLAS_INFO=" in l]
print(json.dumps({"tokensPerSec": rate, "steps": n, "threads": torch.get_num_threads(), "torch": torch.__version__, "matMulGflops": round(2 * 1024**3 * r / (time.time() - t0) / 1e9, 2), "blas": blas[0] if blas else "unknown"}))
`;

function pytorchSpeed(name: keyof typeof SHAPES): { tokensPerSec: number; steps: number; threads: number; torch: string; matMulGflops: number; blas: string } | null {
  const cfg = { ...presets[name], ...SHAPES[name], seconds: MIN_SECONDS };
  const res = spawnSync(python!, ["-c", PYTORCH, JSON.stringify(cfg)], { encoding: "utf8" });
  if (res.status !== 0) {
    console.log(`PyTorch baseline (${name}) failed: ${res.stderr.trim().split("\n").pop()}`);
    return null;
  }
  const out = JSON.parse(res.stdout.trim().split("\n").pop()!);
  return { ...out, tokensPerSec: Math.round(out.tokensPerSec) };
}

// The first python that imports torch: the one on PATH (pyenv, a venv) or Debian's own, where python3-torch installs.
const python = ["python3", "/usr/bin/python3"].find((p) => spawnSync(p, ["-c", "import torch"], { encoding: "utf8" }).status === 0);
const hasTorch = python !== undefined;
if (!hasTorch) console.log("PyTorch baseline: python3 cannot import torch; install it with `apt-get install python3-torch` (or `pip install torch`) to compare. Own figures only.");

const figures: Record<string, Record<string, unknown>> = {};
for (const name of backends) {
  try {
    const backend = await chooseBackend(name);
    // The peak is measured before and after the training steps and the higher one kept: on a shared machine one
    // reading can come out low, which would flatter the share of it that training reaches.
    const peaks = [matMulPeak()];
    const speeds: Record<string, ReturnType<typeof trainSpeed> | string> = {};
    for (const size of ["tiny", "small"] as const) {
      speeds[size] = name === "cpu" && size === "small" && !cpuFull ? "skipped (the JS CPU backend needs minutes per step; BENCH_TRAIN_CPU=full runs it)" : trainSpeed(size);
    }
    peaks.push(matMulPeak());
    const peak = Math.max(...peaks);
    const row: Record<string, unknown> = { backend, matMulPeakGflops: +peak.toFixed(2), matMulPeakReadings: peaks.map((p) => +p.toFixed(2)) };
    for (const [size, s] of Object.entries(speeds)) {
      if (typeof s === "string") {
        row[size] = s;
        continue;
      }
      row[size] = { ...s, ofPeak: +(s.gflops / peak).toFixed(3) };
      console.log(`${name} ${size}: ${s.tokensPerSec} tokens/s, ${s.msPerStep} ms/step, ${s.gflops} GFLOP/s = ${((100 * s.gflops) / peak).toFixed(1)}% of matMul peak ${peak.toFixed(1)} GFLOP/s`);
    }
    figures[name] = row;
  } catch (e) {
    figures[name] = { error: (e as Error).message };
  }
}

/** A snapshot of 32 demonstrations at least 600 bytes long: the AlpacaEval ranking tasks' longest outputs when present. */
function realLengthSnapshot(): { dir: string; source: string } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "tl-bench-snap-"));
  const file = path.resolve(import.meta.dirname, "../../../shared/data/alpaca-eval-ranking-tasks.jsonl.gz");
  let rows: Array<{ q: string; a: string }>;
  let source: string;
  if (fs.existsSync(file)) {
    rows = zlib.gunzipSync(fs.readFileSync(file)).toString("utf8").split("\n").filter((l) => l.trim())
      .map((l) => JSON.parse(l) as { instruction: string; outputs: Array<{ output: string }> })
      .map((t) => ({ q: t.instruction, a: t.outputs.map((o) => o.output).sort((x, y) => y.length - x.length)[0] }))
      .filter((r) => r.a.length >= 600).slice(0, 32);
    source = "AlpacaEval outputs (../shared/data)";
  } else {
    rows = Array.from({ length: 32 }, (_, i) => ({ q: `Question ${i}: explain the tides.`, a: `The tides, part ${i}: `.padEnd(700, "the moon pulls the sea ") }));
    source = "synthetic text of the same length (../shared/data absent)";
  }
  fs.writeFileSync(path.join(dir, "manifest.json"), JSON.stringify({ id: "bench-real-length" }));
  fs.writeFileSync(path.join(dir, "sft.train.jsonl"), rows.map((r) => JSON.stringify({ messages: [{ role: "user", content: r.q }, { role: "assistant", content: r.a }] })).join("\n"));
  return { dir, source };
}

/** `tuneloop train --init small --stage sft` at the defaults on wasm, in its own process (the heap's mark is per process). */
function smallAtContext512() {
  const { dir, source } = realLengthSnapshot();
  const out = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "tl-bench-ckpt-")), "ckpt");
  const steps = Number(process.env.BENCH_TRAIN_REAL_STEPS ?? 4);
  const cli = path.resolve(import.meta.dirname, "../../lib/cli/tuneloop.mjs");
  const res = spawnSync(process.execPath, [cli, "train", "--snapshot", dir, "--init", "small", "--stage", "sft", "--steps", String(steps), "--eval-every", "100000", "--out", out, "--json"], {
    encoding: "utf8",
    env: { ...process.env, TUNELOOP_TF_BACKEND: "wasm" },
  });
  fs.rmSync(dir, { recursive: true, force: true });
  fs.rmSync(path.dirname(out), { recursive: true, force: true });
  const events = res.stdout.split("\n").map(parseTrainerLine).filter((e): e is TrainerEvent => e !== null);
  const start = events.find((e): e is Extract<TrainerEvent, { type: "start" }> => e.type === "start");
  const lastStep = events.filter((e): e is Extract<TrainerEvent, { type: "step" }> => e.type === "step").at(-1);
  const done = events.find((e): e is Extract<TrainerEvent, { type: "done" }> => e.type === "done");
  if (res.status !== 0 || !start || !lastStep || !done) return { error: events.find((e) => e.type === "error") ?? res.stderr.trim().split("\n").at(-1), source };
  const MiB = 2 ** 20;
  const row = {
    source,
    batch: 8,
    seq: 512,
    steps,
    sequencesPerPass: start.plan.microBatch,
    passesPerUpdate: start.plan.gradAccum,
    recompute: start.plan.recompute ?? false,
    tokensPerSec: lastStep.tokensPerSec,
    peakMiB: Math.round((done.peakBytes ?? NaN) / MiB),
    plannedMiB: Math.round(start.plan.peakBytes / MiB),
    budgetMiB: Math.round(start.plan.budgetBytes / MiB),
  };
  console.log(`wasm small at context 512 (${source}): ${row.tokensPerSec} tokens/s, peak ${row.peakMiB} MiB of wasm heap (planned ${row.plannedMiB}, budget ${row.budgetMiB}), ${row.sequencesPerPass} sequences a pass × ${row.passesPerUpdate}${row.recompute ? ", blocks recomputed" : ""}`);
  return row;
}
figures.smallContext512 = smallAtContext512();

/** Batch 8 of `small` at context 512 as planned without recomputation and with it, each in a fresh wasm process. */
type MemoryRow = { sequences: number; passes: number; tokensPerSec: number; msPerUpdate: number; peakMiB: number; plannedMiB: number } | { error: string };
function smallRecomputeVsPlain() {
  const steps = Number(process.env.BENCH_TRAIN_REAL_STEPS ?? 4);
  const run = (recompute: boolean): MemoryRow => {
    const plan = planMemory(presets.small, { batch: 8, seqLen: 512, sequencesPerExample: 1, backend: "wasm", recompute });
    if (!plan.ok) return { error: plan.message };
    const spec = { seq: 512, sequences: plan.microBatch, passes: plan.gradAccum, recompute, steps };
    const child = spawnSync(process.execPath, ["--import", "tsx", path.join(import.meta.dirname, "train-memory.ts"), JSON.stringify(spec)], { encoding: "utf8" });
    const line = child.stdout.trim().split("\n").pop() ?? "";
    if (child.status !== 0 || !line.startsWith("{")) return { error: `exit ${String(child.status)}: ${child.stderr.trim().split("\n").pop() ?? ""}` };
    return { ...(JSON.parse(line) as Omit<Extract<MemoryRow, { peakMiB: number }>, "plannedMiB">), plannedMiB: Math.round(plan.peakBytes / 2 ** 20) };
  };
  const rows = { plain: run(false), recomputed: run(true) };
  const say = (r: MemoryRow) => ("error" in r ? r.error : `${r.sequences} sequences a pass × ${r.passes}: peak ${r.peakMiB} MiB of wasm heap (planned ${r.plannedMiB}), ${r.tokensPerSec} tokens/s`);
  console.log(`wasm small at context 512, batch 8, without recomputation: ${say(rows.plain)}; with: ${say(rows.recomputed)}`);
  return rows;
}
figures.smallContext512Recompute = smallRecomputeVsPlain();

const baseline = hasTorch ? { pytorchCpu: { tiny: pytorchSpeed("tiny"), small: pytorchSpeed("small"), cores: os.cpus().length } } : null;
const measured = Object.entries(figures).filter(([k, f]) => !k.startsWith("smallContext512") && f.small && typeof f.small === "object").map(([, f]) => f) as Array<{ small: { tokensPerSec: number; ofPeak: number } }>;
const best = measured.sort((a, b) => b.small.tokensPerSec - a.small.tokensPerSec)[0]?.small;
const blas = python ? torchBlas(python) : null;
if (blas) console.log(`PyTorch's BLAS: ${blas.verdict} (${blas.libraries.join(", ") || "none found"}), ${blas.matMulGflops} GFLOP/s on a 1024² matMul${blas.verdict === "optimized" ? "" : `: no ratio against it. Fix: ${blas.fix}`}`);
const fair = blas?.verdict === "optimized";
const torchSmall = fair ? baseline?.pytorchCpu.small : null;
const vsPytorch = best && torchSmall ? +(best.tokensPerSec / torchSmall.tokensPerSec).toFixed(3) : null;
const llama = llamaLoraFigures(python, (["node-gpu", "node"] as const).find((n) => backends.includes(n)) ?? "wasm", fair, Number(process.env.BENCH_TRAIN_LLAMA_SECONDS ?? 60));
report({
  bench: "train",
  figures: { ...figures, shapes: SHAPES, llamaLora: llama.ours, ...(hasTorch ? { pytorchBlas: blas } : { pytorch: "not installed: apt-get install python3-torch" }) },
  baseline: baseline ? { ...baseline, llamaLora: llama.torch } : null,
  ratio: { smallVsPytorch: vsPytorch ?? NaN, smallOfMatMulPeak: best?.ofPeak ?? NaN, llamaLoraVsPytorch: llama.ratio ?? NaN },
  targets: { smallVsPytorch: 0.5, smallOfMatMulPeak: 0.5, llamaLoraVsPytorch: 0.5, llamaLoraPeakRssMb: 2048 },
  // Without a PyTorch baseline on an optimized BLAS the ratio targets cannot be shown met. NaN (printed as null)
  // marks a ratio not measured.
  met: {
    smallVsPytorch: vsPytorch !== null && vsPytorch >= 0.5,
    smallOfMatMulPeak: (best?.ofPeak ?? 0) >= 0.5,
    llamaLoraVsPytorch: llama.ratio !== null && llama.ratio >= 0.5,
    llamaLoraPeakRssMb: typeof llama.ours.peakRssMb === "number" && llama.ours.peakRssMb < 2048,
  },
});
