// Runs `tuneloop ARGS` as a person would, against an embedded database in `dataDir`; resolves with exit code and output.
import { execFile } from "node:child_process";
import path from "node:path";

const cliPath = path.resolve(import.meta.dirname, "../../lib/cli/tuneloop.mjs");

export function runCli(dataDir: string, args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [cliPath, ...args],
      { env: { ...process.env, TUNELOOP_DATA_DIR: dataDir, DATABASE_URL: "" }, timeout: 60_000 },
      (err, stdout, stderr) => resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}
