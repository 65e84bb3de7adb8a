// `tuneloop serve` (npm start): builds the app on first run, then runs `next start`, or N of them behind one port.
import cluster, { type Worker } from "node:cluster";
import fs from "node:fs";
import path from "node:path";
import { spawn } from "node:child_process";
import { createRequire } from "node:module";
import { z } from "zod";
import { authSecret } from "@/lib/auth/secret";
import { env } from "@/lib/env";
import { parseFlags, UsageError } from "../args";

function run(cmd: string, args: string[], extraEnv: Record<string, string> = {}): Promise<number> {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { stdio: "inherit", env: { ...process.env, ...extraEnv }, cwd: env().rootDir });
    const forward = (sig: NodeJS.Signals) => child.kill(sig);
    process.on("SIGINT", forward);
    process.on("SIGTERM", forward);
    child.on("exit", (code, signal) => {
      process.off("SIGINT", forward);
      process.off("SIGTERM", forward);
      resolve(code ?? (signal ? 1 : 0));
    });
  });
}

/**
 * V8 flags for each web process. A larger young generation (semi-space 64 MB; V8 picks 32 MB here by itself) means
 * fewer scavenges under load, each a pause for every request in flight. At 1,000 annotators (`npm run bench -- load`,
 * ~60 req/s, CPU-profiled 45 s step) the web process paused for GC 90 times, 693 ms in all, against 138 times and
 * 775 ms with 32 MB. Costs up to 64 MB more memory per process. A --max-semi-space-size in NODE_OPTIONS wins.
 */
export function webProcessFlags(nodeOptions = process.env.NODE_OPTIONS ?? ""): string[] {
  return nodeOptions.includes("--max-semi-space-size") ? [] : ["--max-semi-space-size=64"];
}

/** A web process that dies this soon after it started, this many times in a row, means it cannot start: give up. */
const EARLY_EXIT_MS = 15_000;
const EARLY_EXITS = 3;

/**
 * N `next start` processes sharing one listening port through Node's cluster module (the primary hands connections
 * round-robin to the workers; it serves nothing itself). A worker that exits is replaced; SIGINT/SIGTERM stop all.
 */
function runWorkers(n: number, args: string[], extraEnv: Record<string, string>): Promise<number> {
  cluster.setupPrimary({ exec: args[0], args: args.slice(1), execArgv: webProcessFlags(), cwd: env().rootDir });
  return new Promise((resolve) => {
    let stopping = false;
    let earlyExits = 0;
    const started = new Map<Worker, number>();
    const fork = () => {
      const w = cluster.fork(extraEnv);
      started.set(w, Date.now());
      w.on("listening", () => console.log(`[tuneloop] web process ${w.process.pid} listening (${started.size} of ${n})`));
    };
    const stop = (sig: NodeJS.Signals) => {
      stopping = true;
      for (const w of started.keys()) w.process.kill(sig);
      if (started.size === 0) resolve(0);
    };
    const onSignal = (sig: NodeJS.Signals) => stop(sig);
    process.on("SIGINT", onSignal);
    process.on("SIGTERM", onSignal);
    cluster.on("exit", (w, code, signal) => {
      const lived = Date.now() - (started.get(w) ?? 0);
      started.delete(w);
      if (stopping) {
        if (started.size === 0) {
          process.off("SIGINT", onSignal);
          process.off("SIGTERM", onSignal);
          resolve(0);
        }
        return;
      }
      earlyExits = lived < EARLY_EXIT_MS ? earlyExits + 1 : 0;
      if (earlyExits >= EARLY_EXITS) {
        console.error(`[tuneloop] web processes keep exiting within ${EARLY_EXIT_MS / 1000} s of starting (last: ${signal ?? `exit ${code}`}); stopping`);
        stop("SIGTERM");
        resolve(1);
        return;
      }
      console.error(`[tuneloop] web process ${w.process.pid} exited (${signal ?? `exit ${code}`}); starting another`);
      fork();
    });
    for (let i = 0; i < n; i++) fork();
  });
}

export async function serve(argv: string[]): Promise<number> {
  const { values } = parseFlags(
    argv,
    { port: { type: "string", short: "p" }, rebuild: { type: "boolean" }, hostname: { type: "string", short: "H" }, workers: { type: "string", short: "w" } },
    z
      .object({
        port: z.coerce.number().int().min(1).max(65535).optional(),
        rebuild: z.boolean().optional(),
        hostname: z.string().optional(),
        workers: z.coerce.number().int().min(1).max(64).optional(),
      })
      .strict(),
  );
  const e = env();
  const workers = values.workers ?? 1;
  if (workers > 1 && !e.DATABASE_URL) {
    throw new UsageError(`--workers ${workers} needs DATABASE_URL: the embedded PGlite database belongs to one process, so it serves with one web process (set DATABASE_URL=postgres://… for several)`);
  }
  const nextBin = createRequire(path.join(e.rootDir, "package.json")).resolve("next/dist/bin/next");
  const built = fs.existsSync(path.join(e.rootDir, e.NEXT_DIST_DIR, "BUILD_ID"));
  if (!built || values.rebuild) {
    console.log("[tuneloop] building the app (first run only; `npm start -- --rebuild` after pulling changes)…");
    const code = await run(process.execPath, [nextBin, "build"], { NEXT_TELEMETRY_DISABLED: "1" });
    if (code !== 0) return code;
  }
  const port = String(values.port ?? e.PORT);
  // next-auth derives its own URL from the request's host when it is not pinned by NEXTAUTH_URL.
  const extra: Record<string, string> = { NEXT_TELEMETRY_DISABLED: "1", PORT: port };
  if (!e.NEXTAUTH_URL) extra.AUTH_TRUST_HOST = "1";
  const args = [nextBin, "start", "-p", port, ...(values.hostname ? ["-H", values.hostname] : [])];
  if (workers === 1) return run(process.execPath, [...webProcessFlags(), ...args], extra);
  // Every worker signs and reads session cookies with one secret: AUTH_SECRET, or the data folder's, read here once.
  extra.AUTH_SECRET = authSecret();
  console.log(`[tuneloop] ${workers} web processes on port ${port} (PostgreSQL)`);
  return runWorkers(workers, args, extra);
}
