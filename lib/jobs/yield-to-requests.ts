// Trainer processes step aside while this process answers HTTP requests: on a machine whose CPUs
// train, SCHED_IDLE alone still leaves the pages ~1.5× slower (the trainer keeps the caches and
// memory bus busy between preemptions), so trainers are stopped (SIGSTOP) while any request is in
// flight (for its first two seconds) and continued (SIGCONT) once none has been for 50 ms.
// Requests are seen through Node's own `http.server.request.start` diagnostics channel.
import dc from "node:diagnostics_channel";
import fs from "node:fs";
import type { ServerResponse } from "node:http";

type State = {
  inFlight: number;
  paused: boolean;
  pids: Set<number>;
  subscribed: boolean;
  timers: { resume?: NodeJS.Timeout; starved?: NodeJS.Timeout };
  /** until when trainers run whatever comes (their slice after a long stop) */
  sliceUntil: number;
};

// One registry per process, even when the bundler copies this module into several chunks.
const g = globalThis as unknown as { __tuneloopYield?: State };
const state = (g.__tuneloopYield ??= { inFlight: 0, paused: false, pids: new Set(), subscribed: false, timers: {}, sliceUntil: 0 });
const timers = state.timers;

function signalAll(signal: NodeJS.Signals) {
  for (const pid of state.pids) {
    try {
      process.kill(pid, signal);
    } catch {
      state.pids.delete(pid); // already gone
    }
  }
}

/**
 * How long a request holds trainers back, how soon they continue, and the least they get under a load that never
 * pauses (changeable for tests).
 * - interactiveMs: a request still open after this long is a transfer (an export download, an upload), not a page
 *   or an API call someone waits on: it stops holding trainers back, or one slow download would stall training.
 * - resumeAfterMs: trainers continue only once no request has been in flight for this long: let run for a moment
 *   between back-to-back calls, a trainer evicts the server's caches and the next call pays for it (rank page p50
 *   +40% while the trainer got 6% of a CPU).
 * - maxPauseMs, sliceMs: stopped this long without a break, trainers run for one slice whatever comes, so training
 *   still moves (about 3% of a CPU) while the app never has a quiet moment.
 */
export const yieldTimings = { interactiveMs: 2000, resumeAfterMs: 50, maxPauseMs: 30_000, sliceMs: 1000 };

const later = (ms: number, fn: () => void) => {
  const t = setTimeout(fn, ms);
  t.unref();
  return t;
};

function pause() {
  if (state.paused || !state.pids.size || Date.now() < state.sliceUntil) return;
  state.paused = true;
  signalAll("SIGSTOP");
  clearTimeout(timers.starved);
  timers.starved = later(yieldTimings.maxPauseMs, () => {
    // Stopped for maxPauseMs straight: a slice for the trainer, then back to yielding.
    state.sliceUntil = Date.now() + yieldTimings.sliceMs;
    resume();
    later(yieldTimings.sliceMs, () => {
      if (state.inFlight > 0) pause();
    });
  });
}

function resume() {
  if (!state.paused) return;
  state.paused = false;
  clearTimeout(timers.starved);
  signalAll("SIGCONT");
}

function finished() {
  state.inFlight -= 1;
  if (state.inFlight > 0 || !state.paused) return;
  clearTimeout(timers.resume);
  timers.resume = later(yieldTimings.resumeAfterMs, () => {
    if (state.inFlight === 0) resume();
  });
}

function onRequestStart(message: unknown) {
  const { response } = message as { response: ServerResponse };
  state.inFlight += 1;
  clearTimeout(timers.resume);
  pause();
  let counted = true;
  const release = () => {
    if (!counted) return;
    counted = false;
    clearTimeout(long);
    finished();
  };
  const long = later(yieldTimings.interactiveMs, release);
  // `close` comes for finished and for abandoned responses alike.
  response.once("close", release);
}

function subscribe() {
  if (state.subscribed) return;
  state.subscribed = true;
  dc.subscribe("http.server.request.start", onRequestStart);
  // A server that exits normally never leaves a trainer stopped behind it.
  process.once("exit", () => signalAll("SIGCONT"));
}

/**
 * Registers a trainer child: from now on it runs only while this process answers no HTTP request.
 * Returns the function that unregisters it (and continues it, so it can act on a signal it got).
 */
export function yieldToRequests(pid: number): () => void {
  subscribe();
  state.pids.add(pid);
  if (state.paused) process.kill(pid, "SIGSTOP");
  else if (state.inFlight > 0) pause();
  return () => {
    if (!state.pids.delete(pid)) return;
    try {
      process.kill(pid, "SIGCONT");
    } catch {}
  };
}

/** How many requests are in flight and whether trainers are stopped now (for tests). */
export function yieldState(): { inFlight: number; paused: boolean; trainers: number } {
  return { inFlight: state.inFlight, paused: state.paused, trainers: state.pids.size };
}

/** The environment mark that ties a trainer process to the data folder of the server that started it. */
export const TRAINER_MARK = "TUNELOOP_TRAINER_OF";

/**
 * A server killed with SIGKILL while it had a trainer stopped leaves that trainer stopped for good
 * (nothing continues it, so it cannot even notice that its parent is gone). The next server on the
 * same data folder kills such leftovers: their runs are resumed from checkpoints anyway.
 * Linux only (/proc); elsewhere it does nothing.
 */
export function killStoppedOrphans(dataDir: string): number[] {
  const killed: number[] = [];
  let entries: string[];
  try {
    entries = fs.readdirSync("/proc").filter((e) => /^\d+$/.test(e));
  } catch {
    return killed;
  }
  for (const entry of entries) {
    const pid = Number(entry);
    if (pid === process.pid || state.pids.has(pid)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
      // pid (comm) state ppid …: comm may hold spaces and parentheses, so read after the last ')'.
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      if (fields[0] !== "T") continue;
      const environ = fs.readFileSync(`/proc/${pid}/environ`, "utf8").split("\0");
      if (!environ.includes(`${TRAINER_MARK}=${dataDir}`)) continue;
      process.kill(pid, "SIGKILL");
      killed.push(pid);
    } catch {
      // gone meanwhile, or not ours to read
    }
  }
  return killed;
}
