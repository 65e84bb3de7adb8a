// A warm generation process (`tuneloop gen-worker`): reads requests as JSON lines on stdin (trainer/serve-protocol.ts),
// keeps the checkpoints it served loaded (least recently used dropped past --max-models), and streams each choice's
// text on stdout a token at a time. One request at a time; a `cancel` stops one between two tokens. Exits when stdin
// closes. The app's generation pool (lib/generation-pool) starts and restarts these.
import readline from "node:readline";
import { parseArgs } from "node:util";
import * as tf from "@tensorflow/tfjs";
import { z } from "zod";
import { chooseBackend } from "./backend";
import { loadCheckpoint } from "./checkpoint";
import type { ModelConfig } from "./config";
import type { Params } from "./model";
import { serveRequestSchema, type GenerateRequest, type ServeEvent } from "./serve-protocol";
import { sampleSteps } from "./stream";
import { storableText, StreamedText } from "./stream-text";
import type { Tokenizer } from "./tokenizer";

type Loaded = { cfg: ModelConfig; params: Params; tokenizer: Tokenizer };

const flags = z.object({ "max-models": z.coerce.number().int().min(1).max(64).default(2) }).strict();

const say = (e: ServeEvent) => void process.stdout.write(JSON.stringify(e) + "\n");
/** Lets stdin's lines (a cancel) in between two tokens. */
const tick = () => new Promise<void>((r) => setImmediate(r));

/** Checkpoints by key, least recently used first (a Map keeps insertion order; a hit is moved to the end). */
function modelCache(max: number) {
  const loaded = new Map<string, Loaded>();
  return {
    get(key: string, dir: string): Loaded {
      let m = loaded.get(key);
      if (m) loaded.delete(key);
      else {
        const { cfg, params, tokenizer, optimizer } = loadCheckpoint(dir);
        if (optimizer) tf.dispose(Object.values(optimizer)); // a training checkpoint's Adam moments: not needed here
        m = { cfg, params, tokenizer };
        for (const [k, old] of loaded) {
          if (loaded.size < max) break;
          tf.dispose(Object.values(old.params));
          loaded.delete(k);
        }
      }
      loaded.set(key, m);
      return m;
    },
    keys: () => [...loaded.keys()].reverse(),
  };
}

async function generate(req: GenerateRequest, models: ReturnType<typeof modelCache>, cancelled: Set<string>) {
  let model: Loaded;
  try {
    model = models.get(req.modelKey, req.checkpoint);
  } catch (e) {
    return say({ type: "error", id: req.id, code: "model_unavailable", message: `cannot load ${req.checkpoint}: ${(e as Error).message}` });
  }
  const { cfg, params, tokenizer: tok } = model;
  const prompt = tok.renderPrompt(req.messages);
  // The reply needs at least one position of context.
  if (prompt.length >= cfg.blockSize) return say({ type: "error", id: req.id, code: "context_length_exceeded", message: `The messages are ${prompt.length} tokens; this model's context is ${cfg.blockSize} tokens. Shorten the messages.` });
  const outside = Object.keys(req.logitBias ?? {}).find((id) => Number(id) >= cfg.vocabSize);
  if (outside !== undefined) return say({ type: "error", id: req.id, code: "bad_request", message: `logit_bias: token id ${outside} is outside this model's vocabulary (${cfg.vocabSize} tokens).` });
  say({ type: "start", id: req.id, promptTokens: prompt.length });
  const ends = new Set(tok.stops ?? [tok.end]);
  const choices = Array.from({ length: req.n }, () => new StreamedText((ids) => tok.decode(ids), req.stop, storableText));
  const finished = choices.map(() => false);
  const sampling = { maxNewTokens: req.maxTokens, temperature: req.temperature, topK: 0, topP: req.topP, seed: req.seed, logitBias: req.logitBias };
  const pending = choices.map(() => 0); // tokens not yet sent with text
  const send = (b: number, text: string) => {
    if (!text) return;
    say({ type: "delta", id: req.id, index: b, text, tokens: pending[b] });
    pending[b] = 0;
  };
  for (const picked of sampleSteps(params, cfg, prompt, req.n, sampling, finished)) {
    picked.forEach((token, b) => {
      if (token < 0) return;
      pending[b] += 1;
      const text = ends.has(token) ? choices[b].end("stop", true) : choices[b].push(token);
      send(b, text);
      if (choices[b].finish) finished[b] = true;
    });
    await tick();
    if (cancelled.has(req.id)) break;
  }
  choices.forEach((c, b) => {
    if (!c.finish) send(b, c.end("length"));
  });
  say({
    type: "done",
    id: req.id,
    cancelled: cancelled.delete(req.id),
    promptTokens: prompt.length,
    choices: choices.map((c) => ({ text: c.text, finishReason: c.finish ?? "length", completionTokens: c.tokens })),
    models: models.keys(),
  });
}

export async function serveGeneration(argv: string[]): Promise<number> {
  let parsed;
  try {
    parsed = flags.safeParse(parseArgs({ args: argv.filter((a) => a !== "--json"), options: { "max-models": { type: "string" } }, strict: true }).values);
  } catch (e) {
    parsed = { success: false as const, error: { issues: [{ path: [], message: (e as Error).message }] } };
  }
  if (!parsed.success) {
    process.stderr.write(`tuneloop gen-worker: ${parsed.error.issues.map((i) => (i.path.length ? `--${i.path.join(".")}: ${i.message}` : i.message)).join("; ")}\n`);
    return 2;
  }
  const backend = await chooseBackend();
  const models = modelCache(parsed.data["max-models"]);
  const cancelled = new Set<string>();
  const queue: GenerateRequest[] = [];
  let busy = false;
  let running: string | null = null;
  let closed = false;
  let finish: (code: number) => void = () => {};
  const ended = new Promise<number>((r) => (finish = r));
  const pump = async () => {
    if (busy) return;
    busy = true;
    for (let req = queue.shift(); req; req = queue.shift()) {
      running = req.id;
      try {
        await generate(req, models, cancelled);
      } catch (e) {
        say({ type: "error", id: req.id, code: "internal", message: (e as Error).message || String(e) });
      }
    }
    running = null;
    busy = false;
    if (closed) finish(0);
  };
  const lines = readline.createInterface({ input: process.stdin });
  lines.on("line", (line) => {
    if (!line.trim()) return;
    let raw: unknown;
    try {
      raw = JSON.parse(line);
    } catch {
      return say({ type: "error", id: null, code: "bad_request", message: "a request line is not JSON" });
    }
    const r = serveRequestSchema.safeParse(raw);
    if (!r.success) return say({ type: "error", id: typeof (raw as { id?: unknown })?.id === "string" ? (raw as { id: string }).id : null, code: "bad_request", message: r.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ") });
    if (r.data.type === "cancel") {
      const id = r.data.id;
      const waiting = queue.findIndex((q) => q.id === id);
      if (waiting >= 0) {
        queue.splice(waiting, 1);
        say({ type: "done", id, cancelled: true, promptTokens: 0, choices: [], models: models.keys() });
      } else if (running === id) cancelled.add(id);
      return;
    }
    queue.push(r.data);
    void pump();
  });
  lines.on("close", () => {
    closed = true;
    if (!busy) finish(0);
  });
  say({ type: "ready", backend });
  return ended;
}
