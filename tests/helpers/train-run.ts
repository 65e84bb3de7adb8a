// Set-up shared by the tests that run training through the job runner: a data folder per test, the runner and pg-boss
// stopped after it, and polling until a condition holds.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach } from "vitest";
import { resetEnvForTests } from "@/lib/env";
import { stopBoss } from "@/lib/jobs/queue";
import { startJobRunner, type JobRunner } from "@/lib/jobs/runner";

/**
 * Call inside a describe block: each test gets a fresh TUNELOOP_DATA_DIR (checkpoints, exports) and whatever runner
 * it started with `start` is stopped afterwards, with pg-boss, before the next test's database exists.
 * `dataIn`: the data folder is that subfolder of the test's temporary folder, which leaves room beside it for the
 * test's own files (model folders, launcher output); `remove`: the temporary folder is deleted after each test.
 */
export function useTrainRunner(prefix: string, opts: { dataIn?: string; remove?: boolean } = {}) {
  let runner: JobRunner | null = null;
  let dir = "";
  const saved = process.env.TUNELOOP_DATA_DIR;
  beforeEach(() => {
    dir = fs.mkdtempSync(`${os.tmpdir()}/${prefix}-`);
    process.env.TUNELOOP_DATA_DIR = opts.dataIn ? path.join(dir, opts.dataIn) : dir;
    resetEnvForTests();
  });
  afterEach(async () => {
    await runner?.stop();
    runner = null;
    await stopBoss();
    process.env.TUNELOOP_DATA_DIR = saved;
    resetEnvForTests();
    if (opts.remove && dir) fs.rmSync(dir, { recursive: true, force: true });
  });
  return {
    /** this test's temporary folder */
    dir: () => dir,
    /** this test's data folder */
    dataDir: () => (opts.dataIn ? path.join(dir, opts.dataIn) : dir),
    /** the runner this test started, if it still runs */
    current: () => runner,
    start: async (opts: Parameters<typeof startJobRunner>[0] = { pollSeconds: 0.5 }) => (runner = await startJobRunner(opts)),
    /** stops the runner now (a test that simulates a crash or restarts it) */
    stop: async () => {
      await runner?.stop();
      runner = null;
    },
  };
}

/** Polls `fn` every `everyMs` until it returns something truthy; throws after `ms`. */
export async function until<T>(fn: () => Promise<T | null | undefined | false>, ms = 60_000, everyMs = 250): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > deadline) throw new Error("timed out waiting");
    await new Promise((r) => setTimeout(r, everyMs));
  }
}
