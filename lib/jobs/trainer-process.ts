// Runs the trainer CLI in a child process and turns its JSON-lines output into events.
import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import readline from "node:readline";
import { env } from "@/lib/env";
import { parseTrainerLine, type TrainerEvent } from "@/trainer/protocol";
import { storableText } from "@/trainer/stream-text";
import { TRAINER_MARK, yieldToRequests } from "./yield-to-requests";
import { promptMessages, type ChatMessage, type PromptWithHistory } from "@/lib/conversations/messages";

export type { TrainerEvent } from "@/trainer/protocol";

export type TrainerProcess = {
  /** resolves with the exit code (null when killed by a signal) and the last lines of stderr */
  done: Promise<{ code: number | null; signal: NodeJS.Signals | null; logTail: string }>;
  stop: (signal?: NodeJS.Signals) => void;
  pid: number | undefined;
};

const LOG_TAIL_LINES = 40;
const which = (...paths: string[]) => paths.find((p) => fs.existsSync(p));

/**
 * The command prefix that starts a trainer at the configured priority, so that every one of its
 * threads yields the CPU to the web server and the database. `idle` (the default): Linux's
 * SCHED_IDLE (`chrt --idle 0`), which runs only when nothing else wants that CPU and is preempted
 * at once when something does; `low`: `nice -n 19`; `normal`: as is. Where the tool is missing,
 * the next milder one is used.
 */
function priorityPrefix(): string[] {
  const priority = env().TUNELOOP_TRAINER_PRIORITY;
  const chrt = which("/usr/bin/chrt", "/bin/chrt");
  const nice = which("/usr/bin/nice", "/bin/nice");
  if (priority === "idle" && chrt) return [chrt, "--idle", "0"];
  if (priority !== "normal" && nice) return [nice, "-n", "19"];
  return [];
}

/**
 * The child gets an IPC channel so it notices when this process dies (the channel closes) and
 * exits, instead of training on as an orphan beside the retry that resumes its checkpoint.
 */
export function startTrainerProcess(args: string[], onEvent: (e: TrainerEvent) => void, onLog?: (line: string) => void): TrainerProcess {
  const cli = path.join(env().rootDir, "lib/cli/tuneloop.mjs");
  // Pages stay responsive while a model trains.
  const command = [...priorityPrefix(), process.execPath];
  const child = spawn(command[0], [...command.slice(1), cli, ...args, "--json"], {
    cwd: env().rootDir,
    stdio: ["ignore", "pipe", "pipe", "ipc"],
    env: { ...process.env, TUNELOOP_CHILD: "1", [TRAINER_MARK]: env().dataDir },
  });
  // At the default priority the trainer also stops while this process answers a request.
  const release = env().TUNELOOP_TRAINER_PRIORITY === "idle" && child.pid ? yieldToRequests(child.pid) : () => {};
  const tail: string[] = [];
  const remember = (line: string) => {
    tail.push(line);
    if (tail.length > LOG_TAIL_LINES) tail.shift();
    onLog?.(line);
  };
  // stdout carries the trainer's events (trainer/protocol.ts); a line that is not one is kept as log.
  readline.createInterface({ input: child.stdout! }).on("line", (line) => {
    const trimmed = line.trim();
    if (!trimmed) return;
    const event = parseTrainerLine(trimmed);
    if (event) return onEvent(event);
    remember(trimmed);
  });
  readline.createInterface({ input: child.stderr! }).on("line", (line) => remember(line));
  const done = new Promise<{ code: number | null; signal: NodeJS.Signals | null; logTail: string }>((resolve) => {
    child.on("exit", (code, signal) => {
      release();
      // Let readline drain what the child wrote last.
      setTimeout(() => resolve({ code, signal, logTail: tail.join("\n") }), 50);
    });
  });
  return {
    done,
    pid: child.pid,
    stop: (signal = "SIGTERM") => {
      child.kill(signal);
      release(); // a stopped trainer acts on the signal only once continued
    },
  };
}

// A model's output as text a database keeps (control bytes dropped): the generation processes apply it too.
export { storableText };

/**
 * Runs `generate` for a batch of prompts in one child process (the model loads once, the web
 * thread never computes) and returns each prompt's outputs by id.
 */
export async function generateOutputs(checkpoint: string, prompts: Array<PromptWithHistory & { id: string }>, opts: { n: number; temperature: number; topP: number; maxTokens: number; onPrompt?: (promptId: string, outputs: number) => void }): Promise<Map<string, string[]>> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "tl-gen-"));
  const file = path.join(dir, "prompts.jsonl");
  // A single user turn as {id, prompt}; a conversation as {id, messages}: the trainer renders either with the model's chat template.
  fs.writeFileSync(
    file,
    prompts
      .map((p) => {
        const messages = promptMessages(p);
        return JSON.stringify(messages.length === 1 ? { id: p.id, prompt: messages[0].content } : { id: p.id, messages });
      })
      .join("\n"),
  );
  const made = new Map<string, string[]>();
  let reason: string | null = null;
  try {
    const child = startTrainerProcess(
      ["generate", "--model", checkpoint, "--prompts-file", file, "--n", String(opts.n), "--temperature", String(opts.temperature), "--top-p", String(opts.topP), "--max-tokens", String(opts.maxTokens)],
      (e) => {
        if (e.type === "generation") {
          made.set(e.id, e.outputs.map(storableText));
          opts.onPrompt?.(e.id, e.outputs.length);
        } else if (e.type === "error") reason = e.message;
      },
    );
    const exit = await child.done;
    if (exit.code !== 0) throw new Error(`generation failed (exit ${exit.code ?? exit.signal}): ${reason ?? exit.logTail.slice(-500)}`);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
  return made;
}

/**
 * Runs `score` in one child process: the reward model's score of each (prompt messages, response) row, by id. The model
 * loads once; the web thread never computes.
 */
export async function scoreResponses(checkpoint: string, rows: Array<{ id: string; messages: ChatMessage[]; response: string }>): Promise<Map<string, number>> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "tl-score-"));
  const file = path.join(dir, "rows.jsonl");
  fs.writeFileSync(file, rows.map((r) => JSON.stringify(r)).join("\n"));
  const scores = new Map<string, number>();
  let reason: string | null = null;
  try {
    const child = startTrainerProcess(["score", "--model", checkpoint, "--input", file], (e) => {
      if (e.type === "score") scores.set(e.id, e.score);
      else if (e.type === "error") reason = e.message;
    });
    const exit = await child.done;
    if (exit.code !== 0) throw new Error(`scoring failed (exit ${exit.code ?? exit.signal}): ${reason ?? exit.logTail.slice(-500)}`);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
  return scores;
}
