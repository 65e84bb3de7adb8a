// Starts a launcher (argv, no shell) in its own process group, splits its stdout and stderr into bounded lines, and stops
// it on cancel: SIGTERM to the whole group, then SIGKILL once the grace period has passed.
import { spawn } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import type { Readable } from "node:stream";

/** Longer lines are cut (an engine that prints a progress bar without newlines must not grow memory without bound). */
export const MAX_LINE_CHARS = 4096;
/** Lines kept for the run's log (the tail is what the run page shows and what a failure quotes). */
export const LOG_LINES = 200;
/** The full log file beside the run's work folder stops growing here. */
export const LOG_FILE_MAX_BYTES = 10 * 1024 * 1024;

/** util-linux's setpriv, when installed: it sets PR_SET_PDEATHSIG, which survives exec, before running the launcher. */
const SETPRIV = ["/usr/bin/setpriv", "/bin/setpriv"].find((p) => fs.existsSync(p));

/** Whether argv[0] names a program that exists (a path, relative to `cwd`, or a name on PATH). */
function programExists(program: string, cwd: string, pathVar: string | undefined): boolean {
  if (program.includes("/")) return fs.existsSync(path.resolve(cwd, program));
  return (pathVar ?? "").split(path.delimiter).some((dir) => dir && fs.existsSync(path.join(dir, program)));
}

export type LauncherExit = { code: number | null; signal: NodeJS.Signals | null; logTail: string; spawnError: string | null };

export type LauncherProcess = {
  done: Promise<LauncherExit>;
  pid: number | undefined;
  /** SIGTERM now, SIGKILL after `graceMs` if the group is still there; resolves when the process has exited */
  stop: (graceMs: number) => void;
};

/** Calls `onLine` for each line of `stream`; a line over MAX_LINE_CHARS is cut there and the rest of it dropped. */
function splitLines(stream: Readable, onLine: (line: string) => void): Promise<void> {
  let buf = "";
  let dropping = false;
  stream.setEncoding("utf8");
  stream.on("data", (chunk: string) => {
    let start = 0;
    for (let nl = chunk.indexOf("\n", start); nl !== -1; nl = chunk.indexOf("\n", start)) {
      const piece = chunk.slice(start, nl);
      if (!dropping) onLine((buf + piece).slice(0, MAX_LINE_CHARS).replace(/\r$/, ""));
      buf = "";
      dropping = false;
      start = nl + 1;
    }
    if (dropping) return;
    buf += chunk.slice(start);
    if (buf.length > MAX_LINE_CHARS) {
      onLine(buf.slice(0, MAX_LINE_CHARS) + " …(line cut)");
      buf = "";
      dropping = true;
    }
  });
  return new Promise((resolve) =>
    stream.on("close", () => {
      if (buf && !dropping) onLine(buf);
      resolve();
    }),
  );
}

export function startLauncher(opts: {
  argv: string[];
  cwd: string;
  env: NodeJS.ProcessEnv;
  /** every line of stdout; return true when it was progress (not kept as log) */
  onStdout: (line: string) => boolean;
  /** the log tail changed */
  onLog?: () => void;
  logFile?: string;
}): LauncherProcess & { tail: () => string } {
  const tail: string[] = [];
  let logBytes = 0;
  const logFd = opts.logFile ? fs.openSync(opts.logFile, "a") : null;
  const remember = (line: string) => {
    if (logFd !== null && logBytes < LOG_FILE_MAX_BYTES) {
      const bytes = Buffer.from(line + "\n");
      logBytes += bytes.length;
      fs.writeSync(logFd, bytes);
    }
    const stored = line.replace(/\u0000/g, "");
    if (!stored.trim()) return;
    tail.push(stored);
    if (tail.length > LOG_LINES) tail.shift();
    opts.onLog?.();
  };
  let spawnError: string | null = null;
  let exited = false;
  let resolveDone: (e: LauncherExit) => void = () => {};
  const done = new Promise<LauncherExit>((resolve) => (resolveDone = resolve));
  // A missing program is reported as spawn reports it (setpriv would turn it into its own exit 127).
  const missing = !programExists(opts.argv[0], opts.cwd, opts.env.PATH);
  // SIGTERM reaches the launcher if this process dies (a crashed runner does not leave it training on; its
  // recipes cancel their cluster job on SIGTERM). detached: its own process group, so cancel reaches all it started.
  const argv = SETPRIV && !missing ? [SETPRIV, "--pdeathsig", "TERM", "--", ...opts.argv] : opts.argv;
  const child = spawn(argv[0], argv.slice(1), { cwd: opts.cwd, env: opts.env, stdio: ["ignore", "pipe", "pipe"], detached: true, shell: false });
  const streams = [
    splitLines(child.stdout, (line) => {
      let progress = false;
      try {
        progress = opts.onStdout(line);
      } catch {
        progress = false;
      }
      if (!progress) remember(line);
    }),
    splitLines(child.stderr, remember),
  ];
  const finish = (code: number | null, signal: NodeJS.Signals | null) => {
    if (exited) return;
    exited = true;
    // What it wrote last is read first; a background process it left holding the pipes is not waited for past 2 s.
    void Promise.race([Promise.all(streams), new Promise((r) => setTimeout(r, 2000))]).then(() => {
      child.stdout.destroy();
      child.stderr.destroy();
      if (logFd !== null) fs.closeSync(logFd);
      resolveDone({ code, signal, logTail: tail.join("\n"), spawnError });
    });
  };
  child.on("exit", finish);
  child.on("error", (e) => {
    spawnError = `could not start ${JSON.stringify(opts.argv[0])}: ${(e as NodeJS.ErrnoException).code ?? e.message}`;
    remember(spawnError);
    if (child.pid === undefined) finish(null, null);
  });
  const signalGroup = (signal: NodeJS.Signals) => {
    if (!child.pid) return;
    try {
      process.kill(-child.pid, signal);
    } catch {
      // the group is gone already
    }
  };
  let stopping = false;
  return {
    done,
    pid: child.pid,
    tail: () => tail.join("\n"),
    stop: (graceMs) => {
      if (stopping) return;
      stopping = true;
      signalGroup("SIGTERM");
      const timer = setTimeout(() => signalGroup("SIGKILL"), graceMs);
      void done.then(() => clearTimeout(timer));
    },
  };
}
