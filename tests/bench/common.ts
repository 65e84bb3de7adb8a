// Shared benchmark plumbing: the machine's figures, percentiles, and the one JSON object `--json` prints last.
import os from "node:os";

export const wantJson = process.argv.includes("--json");

export function machine() {
  const cpus = os.cpus();
  return { cpu: cpus[0]?.model ?? "unknown", cores: cpus.length, memoryGiB: Math.round(os.totalmem() / 2 ** 30), node: process.version, platform: `${os.platform()} ${os.release()}` };
}

export function percentile(sorted: number[], p: number): number {
  if (!sorted.length) return NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i];
}

export function summarize(ms: number[]) {
  const s = [...ms].sort((a, b) => a - b);
  return { n: s.length, p50: percentile(s, 50), p95: percentile(s, 95), p99: percentile(s, 99), mean: s.reduce((a, b) => a + b, 0) / (s.length || 1) };
}

export type BenchResult = {
  bench: string;
  figures: Record<string, unknown>;
  baseline: Record<string, unknown> | null;
  ratio: number | Record<string, number> | null;
  targets: Record<string, unknown>;
  met: boolean | Record<string, boolean>;
};

export function report(result: BenchResult) {
  console.log(`\n${result.bench}: machine ${JSON.stringify(machine())}`);
  console.log(`figures  ${JSON.stringify(result.figures)}`);
  console.log(`baseline ${JSON.stringify(result.baseline)}`);
  console.log(`ratio    ${JSON.stringify(result.ratio)}   targets ${JSON.stringify(result.targets)}   met ${JSON.stringify(result.met)}`);
  if (wantJson) console.log(JSON.stringify({ ...result, figures: { ...result.figures, machine: machine() } }));
}
