// For `npm run bench -- train`: which BLAS Debian's PyTorch really loaded (the baseline is only honest on an optimized
// one), and the SmolLM2-135M-shaped LoRA step (sequence 512) here and in plain PyTorch, each in its own process.
import { spawnSync } from "node:child_process";
import path from "node:path";

export const BLAS_FIX = "apt-get install libopenblas0-pthread (update-alternatives --query libblas.so.3-x86_64-linux-gnu then shows openblas-pthread), or run where torch links MKL or OpenBLAS";

/**
 * optimized (OpenBLAS, MKL, BLIS, ATLAS), reference (Debian's libblas3 under /usr/lib/<arch>/blas/, about 20× slower
 * than OpenBLAS: 6 against 140 GFLOP/s on the 1024² matMul here) or unknown, from the paths of the loaded libraries.
 */
export function blasVerdict(libraries: string[]): "optimized" | "reference" | "unknown" {
  if (libraries.some((l) => /openblas|mkl|blis|atlas/i.test(l))) return "optimized";
  if (libraries.some((l) => /\/blas\/libblas\.so/.test(l))) return "reference";
  return "unknown";
}

// torch.__config__.show() says BLAS_INFO=generic for Debian's build whatever is installed: the library actually in use
// is the one behind libblas.so.3 in this process's memory map.
const PROBE = String.raw`
import json, os, time, torch
torch.set_num_threads(os.cpu_count())
a = torch.randn(1024, 1024); a @ a; r = 0; t0 = time.time()
while time.time() - t0 < 1: a @ a; r += 1
libs = sorted({os.path.realpath(l.split()[-1]) for l in open("/proc/self/maps") if any(k in l for k in ("libblas", "openblas", "libmkl", "blis", "atlas"))})
print(json.dumps({"libraries": libs, "matMulGflops": round(2 * 1024**3 * r / (time.time() - t0) / 1e9, 1), "threads": torch.get_num_threads()}))
`;

export type TorchBlas = { verdict: "optimized" | "reference" | "unknown"; libraries: string[]; matMulGflops: number; fix?: string; error?: string };

export function torchBlas(python: string): TorchBlas {
  const r = spawnSync(python, ["-c", PROBE], { encoding: "utf8" });
  if (r.status !== 0) return { verdict: "unknown", libraries: [], matMulGflops: NaN, fix: BLAS_FIX, error: r.stderr.trim().split("\n").pop() };
  const out = JSON.parse(r.stdout.trim().split("\n").pop()!) as { libraries: string[]; matMulGflops: number; threads: number };
  const verdict = blasVerdict(out.libraries);
  return { verdict, ...out, ...(verdict === "optimized" ? {} : { fix: BLAS_FIX }) };
}

export const SMOLLM2_135M = { vocab: 49152, hidden: 576, layers: 30, heads: 9, kvHeads: 3, inter: 1536 };
export const BENCH_LORA = { rank: 8, alpha: 16, targets: ["q", "k", "v", "o", "gate", "up", "down"] };

/**
 * The LoRA step on our best backend (tests/bench/train-llama.ts, own process: its peak RSS is its own) and the same
 * step in plain PyTorch (tests/helpers/torch-llama-step.py); the ratio only when the baseline's BLAS is optimized.
 */
export function llamaLoraFigures(python: string | undefined, backend: string, fairBaseline: boolean, seconds: number) {
  const child = spawnSync(process.execPath, ["--import", "tsx", path.join(import.meta.dirname, "../bench/train-llama.ts"), JSON.stringify({ backend, mode: "lora", seq: 512, seconds })], { encoding: "utf8", maxBuffer: 1 << 26 });
  const line = child.stdout.trim().split("\n").pop() ?? "";
  const ours: Record<string, unknown> = child.status === 0 && line.startsWith("{") ? JSON.parse(line) : { error: `exit ${child.status}: ${child.stderr.split("\n").filter((l) => l.trim() && l.length < 300).pop() ?? ""}` };
  let torch: Record<string, unknown> | null = null;
  if (python) {
    const res = spawnSync(python, [path.join(import.meta.dirname, "torch-llama-step.py"), JSON.stringify({ ...SMOLLM2_135M, seq: 512, batch: 1, seconds, lora: BENCH_LORA })], { encoding: "utf8" });
    torch = res.status === 0 ? JSON.parse(res.stdout.trim().split("\n").pop()!) : { error: res.stderr.trim().split("\n").pop() };
  }
  const ratio = fairBaseline && typeof ours.tokensPerSec === "number" && typeof torch?.tokensPerSec === "number" ? +(ours.tokensPerSec / torch.tokensPerSec).toFixed(3) : null;
  const s = (v: unknown) => (typeof v === "string" ? v : JSON.stringify(v));
  console.log(`llama 135M LoRA r=8, seq 512 (${backend}): ${ours.error !== undefined ? s(ours.error) : `${s(ours.tokensPerSec)} tokens/s, peak RSS ${s(ours.peakRssMb)} MB`}; PyTorch: ${torch ? (torch.error !== undefined ? s(torch.error) : `${Math.round(Number(torch.tokensPerSec))} tokens/s, peak RSS ${s(torch.peakRssMb)} MB`) : "not installed"}${ratio !== null ? `; ratio ${ratio}` : fairBaseline ? "" : "; no ratio (baseline BLAS not optimized)"}`);
  return { ours, torch, ratio };
}
