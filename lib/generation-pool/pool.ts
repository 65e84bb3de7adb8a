// The warm generation pool: a few long-lived generation processes (`tuneloop gen-worker`, trainer/serve.ts) that keep
// the model versions they served loaded, a bounded queue in front of them, and a restart for any that dies. The web
// thread only routes lines: TensorFlow.js computes in the children. One pool per web process (globalThis).
import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import readline from "node:readline";
import { randomUUID } from "node:crypto";
import { env } from "@/lib/env";
import { AppError } from "@/lib/errors";
import { parseServeLine, type FinishReason, type GenerateRequest, type ServeEvent } from "@/trainer/serve-protocol";

export type GenerationInput = Omit<GenerateRequest, "type" | "id">;
export type GenerationResult = { promptTokens: number; choices: Array<{ text: string; finishReason: FinishReason; completionTokens: number }> };
export type Generation = { id: string; done: Promise<GenerationResult>; cancel: () => void };
export type PoolOptions = {
  size: number;
  queueLimit: number;
  maxModels: number;
  /** a busy process silent this long (no token, no answer) is killed and its request failed */
  stallMs?: number;
  /** the command that starts one generation process (argv) */
  command?: string[];
};

/** The request was cancelled (its client went away); nobody is waiting for the answer. */
export class GenerationCancelled extends Error {}

type Job = {
  id: string;
  input: GenerationInput;
  onDelta?: (index: number, text: string) => void;
  resolve: (r: GenerationResult) => void;
  reject: (e: unknown) => void;
  cancelled: boolean;
};
type Worker = { child: ChildProcess; pid: number | undefined; ready: boolean; job: Job | null; models: string[]; log: string[]; stall?: NodeJS.Timeout };

const LOG_LINES = 20;
const which = (...paths: string[]) => paths.find((p) => fs.existsSync(p));

function defaultCommand(maxModels: number): string[] {
  // Below the web server (nice 19): a page asked for while tokens stream gets the CPU first.
  const nice = which("/usr/bin/nice", "/bin/nice");
  return [...(nice ? [nice, "-n", "19"] : []), process.execPath, path.join(env().rootDir, "lib/cli/tuneloop.mjs"), "gen-worker", "--max-models", String(maxModels)];
}

export class GenerationPool {
  private workers: Worker[] = [];
  private queue: Job[] = [];
  private closed = false;
  private counts = { served: 0, cancelled: 0, failed: 0, restarts: 0 };

  constructor(private readonly opts: PoolOptions) {}

  /**
   * Queues a request; deltas of text reach `onDelta` as the process samples them. Throws at once (AppError 503)
   * when the queue is full. `done` rejects with AppError (503 when the process died or stalled, 400 when the
   * messages do not fit the model's context) or GenerationCancelled after cancel().
   */
  submit(input: GenerationInput, onDelta?: (index: number, text: string) => void): Generation {
    if (this.closed) throw new AppError("unavailable:generate", "The generation pool is shutting down.");
    // Requests that will have a process without waiting: free ones, starting ones, ones not started yet.
    const free = this.workers.filter((w) => !w.job).length + this.opts.size - this.workers.length;
    if (this.queue.length >= free + this.opts.queueLimit) throw new AppError("unavailable:generation_queue", `All ${this.opts.size} generation process(es) are busy and ${this.queue.length} requests are waiting. Retry in a few seconds.`);
    let job!: Job;
    const done = new Promise<GenerationResult>((resolve, reject) => {
      job = { id: randomUUID(), input, onDelta, resolve, reject, cancelled: false };
    });
    this.queue.push(job);
    this.dispatch();
    return { id: job.id, done, cancel: () => this.cancel(job) };
  }

  stats() {
    return { ...this.counts, queued: this.queue.length, workers: this.workers.map((w) => ({ pid: w.pid, ready: w.ready, busy: !!w.job, models: [...w.models] })) };
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const job of this.queue.splice(0)) job.reject(new AppError("unavailable:generate", "The generation pool is shutting down."));
    await Promise.all(
      this.workers.map(
        (w) =>
          new Promise<void>((r) => {
            if (w.child.exitCode !== null || w.child.signalCode !== null) return r();
            w.child.once("close", () => r());
            w.child.kill("SIGTERM");
          }),
      ),
    );
  }

  private cancel(job: Job) {
    if (job.cancelled) return;
    job.cancelled = true;
    const waiting = this.queue.indexOf(job);
    if (waiting >= 0) {
      this.queue.splice(waiting, 1);
      this.counts.cancelled += 1;
      return job.reject(new GenerationCancelled());
    }
    const w = this.workers.find((x) => x.job === job);
    // The process stops at its next token and answers `done` (cancelled); the worker is free then.
    if (w) this.send(w, { type: "cancel", id: job.id });
  }

  /** Hands waiting requests to idle processes, a process that has the model loaded first; starts processes as needed. */
  private dispatch() {
    while (this.queue.length && !this.closed) {
      const idle = this.workers.filter((w) => w.ready && !w.job);
      if (!idle.length) {
        const starting = this.workers.filter((w) => !w.ready).length;
        for (let k = starting; this.workers.length < this.opts.size && k < this.queue.length; k++) this.start();
        return;
      }
      const job = this.queue.shift()!;
      const w = idle.find((x) => x.models.includes(job.input.modelKey)) ?? idle.sort((a, b) => a.models.length - b.models.length)[0];
      w.job = job;
      this.watch(w);
      this.send(w, { type: "generate", id: job.id, ...job.input });
    }
  }

  private send(w: Worker, line: object) {
    w.child.stdin?.write(JSON.stringify(line) + "\n");
  }

  /** (Re)arms the stall timer of a busy process. */
  private watch(w: Worker) {
    clearTimeout(w.stall);
    if (!w.job) return;
    w.stall = setTimeout(() => {
      w.log.push(`no answer in ${this.opts.stallMs ?? 300_000} ms: killed`);
      w.child.kill("SIGKILL");
    }, this.opts.stallMs ?? 300_000);
    w.stall.unref();
  }

  private start() {
    const [cmd, ...args] = this.opts.command ?? defaultCommand(this.opts.maxModels);
    // The IPC channel closes when this process dies: the child exits then (lib/cli/tuneloop.mjs).
    const child = spawn(cmd, args, { cwd: env().rootDir, stdio: ["pipe", "pipe", "pipe", "ipc"], env: { ...process.env, TUNELOOP_CHILD: "1" } });
    const w: Worker = { child, pid: child.pid, ready: false, job: null, models: [], log: [] };
    this.workers.push(w);
    const remember = (line: string) => {
      w.log.push(line);
      if (w.log.length > LOG_LINES) w.log.shift();
    };
    child.stdin!.on("error", () => {}); // a dead child: its `close` below answers for the request
    readline.createInterface({ input: child.stdout! }).on("line", (line) => {
      const e = parseServeLine(line.trim());
      if (e) this.onEvent(w, e);
      else if (line.trim()) remember(line.trim());
    });
    readline.createInterface({ input: child.stderr! }).on("line", remember);
    child.on("error", (e) => remember(`could not start: ${e.message}`));
    // `close` comes after stdout's last line was read: a `done` written just before dying still counts.
    child.on("close", (code, signal) => this.onExit(w, code, signal));
  }

  private onEvent(w: Worker, e: ServeEvent) {
    if (e.type === "ready") {
      w.ready = true;
      return this.dispatch();
    }
    const job = w.job;
    if (!job || e.id !== job.id) return; // an answer to a request already given up on
    this.watch(w);
    if (e.type === "delta") {
      if (!job.cancelled) job.onDelta?.(e.index, e.text);
      return;
    }
    if (e.type === "start") return;
    clearTimeout(w.stall);
    w.job = null;
    if (e.type === "done") {
      w.models = e.models;
      if (job.cancelled || e.cancelled) {
        this.counts.cancelled += 1;
        job.reject(new GenerationCancelled());
      } else {
        this.counts.served += 1;
        job.resolve({ promptTokens: e.promptTokens, choices: e.choices });
      }
    } else {
      this.counts.failed += 1;
      job.reject(
        e.code === "context_length_exceeded"
          ? new AppError("bad_request:context_length", e.message, { messages: [e.message] })
          : e.code === "bad_request" && e.message.startsWith("logit_bias:")
            ? new AppError("bad_request:generate", e.message, { logit_bias: [e.message] })
            : new AppError("unavailable:generate", `Generation failed: ${e.message}`),
      );
    }
    this.dispatch();
  }

  private onExit(w: Worker, code: number | null, signal: NodeJS.Signals | null) {
    clearTimeout(w.stall);
    this.workers = this.workers.filter((x) => x !== w);
    if (this.closed) return;
    const how = `exited (${signal ?? `code ${code}`})`;
    if (w.job) {
      this.counts.failed += 1;
      w.job.reject(new AppError("unavailable:generate", `The generation process ${how} while answering; it has been restarted. Retry the request.`));
    }
    if (!w.ready) {
      // It died before taking requests (a broken install, no memory): fail what waits rather than start it in a loop.
      const why = w.log.slice(-3).join(" | ") || how;
      console.error(`[tuneloop] generation process ${how} before it was ready: ${why}`);
      for (const job of this.queue.splice(0)) job.reject(new AppError("unavailable:generate", `The generation process could not start: ${why}`));
      return;
    }
    // Restarted at once, so the pool stays at its size (the models load again on their next request).
    this.counts.restarts += 1;
    this.start();
    this.dispatch();
  }
}

const g = globalThis as unknown as { __tuneloopGenerationPool?: GenerationPool };

/** This web process's pool, sized from the environment (TUNELOOP_GEN_WORKERS, TUNELOOP_GEN_QUEUE, TUNELOOP_GEN_MODELS). */
export function generationPool(): GenerationPool {
  if (!g.__tuneloopGenerationPool) {
    const e = env();
    g.__tuneloopGenerationPool = new GenerationPool({ size: e.TUNELOOP_GEN_WORKERS, queueLimit: e.TUNELOOP_GEN_QUEUE, maxModels: e.TUNELOOP_GEN_MODELS });
  }
  return g.__tuneloopGenerationPool;
}

/** Stops this process's pool and its children (tests, shutdown); the next generationPool() starts a new one. */
export async function closeGenerationPool(): Promise<void> {
  const pool = g.__tuneloopGenerationPool;
  g.__tuneloopGenerationPool = undefined;
  await pool?.close();
}
