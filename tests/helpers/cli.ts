// Runs `tuneloop ARGS` as a person would, against an embedded database in `dataDir`; resolves with exit code and output.
// startCli() starts one against any environment and hands back the live process (workers, waits, many at once).
import { execFile, spawn, type ChildProcess } from "node:child_process";
import path from "node:path";

const cliPath = path.resolve(import.meta.dirname, "../../lib/cli/tuneloop.mjs");

export function runCli(dataDir: string, args: string[], extraEnv: Record<string, string> = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [cliPath, ...args],
      { env: { ...process.env, TUNELOOP_DATA_DIR: dataDir, DATABASE_URL: "", ...extraEnv }, timeout: 60_000 },
      (err, stdout, stderr) => resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}

export type LiveCli = {
  child: ChildProcess;
  /** stdout and stderr so far, interleaved as they arrived */
  output: () => string;
  /** resolves with the output once it matches, rejects after ms or when the process exits first */
  waitFor: (pattern: RegExp, ms: number) => Promise<string>;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
};

export function startCli(args: string[], env: Record<string, string>): LiveCli {
  const child = spawn(process.execPath, [cliPath, ...args], { env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"] });
  let out = "";
  const listeners = new Set<() => void>();
  const append = (chunk: Buffer) => {
    out += chunk.toString("utf8");
    listeners.forEach((l) => l());
  };
  child.stdout.on("data", append);
  child.stderr.on("data", append);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.once("exit", (code, signal) => resolve({ code, signal })));
  const waitFor = (pattern: RegExp, ms: number) =>
    new Promise<string>((resolve, reject) => {
      const check = () => {
        if (!pattern.test(out)) return;
        done();
        resolve(out);
      };
      const timer = setTimeout(() => {
        done();
        reject(new Error(`no ${pattern} within ${ms} ms; output:\n${out}`));
      }, ms);
      const done = () => {
        clearTimeout(timer);
        listeners.delete(check);
      };
      listeners.add(check);
      void exited.then(() => setTimeout(() => {
        if (!listeners.has(check)) return;
        done();
        reject(new Error(`exited before ${pattern}; output:\n${out}`));
      }, 50));
      check();
    });
  return { child, output: () => out, waitFor, exited };
}
