// The trainer's CLI: train, generate, evaluate, score (a reward model's scores), import-model. A progress line on a
// terminal, JSON lines with --json;
// bad flags, a missing/malformed snapshot, checkpoint or model folder, a snapshot without data for the stage, or a step
// that cannot fit in memory → one line naming it (and an `error` event with --json), exit 2, nothing written.
import fs from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";
import * as tf from "@tensorflow/tfjs";
import { z } from "zod";
import { chooseBackend } from "./backend";
import { loadCheckpoint, readJson } from "./checkpoint";
import { LLAMA_ARCHITECTURES } from "./config";
import { loadSnapshot } from "./data";
import { evaluateByCategory, evalGroupsSchema, type EvalGroups } from "./eval-categories";
import { generateReplies } from "./generate";
import { isLlamaFamily } from "./hf-llama";
import { importHf } from "./import-hf";
import { mergeLoraCheckpoint } from "./lora";
import { planMemory } from "./memory";
import { HYPERPARAMETER_DEFAULTS as D, LIMITS, LORA_DEFAULTS, LORA_TARGETS, loraSchema, RUN_KINDS, TrainerError, type LoraOptions, type TrainerEvent } from "./protocol";
import { evaluate, train } from "./train";
import { SCORE, scoreSequences } from "./reward";

class Usage extends TrainerError {
  constructor(message: string) {
    super("usage", message);
  }
}

const num = (name: string) => z.coerce.number({ message: `--${name} must be a number` });
// Limits and defaults are trainer/protocol.ts's, shared with the web form and the API.
const trainFlags = z
  .object({
    snapshot: z.string({ message: "--snapshot DIR is required" }),
    stage: z.enum(RUN_KINDS, { message: `must be one of ${RUN_KINDS.join(", ")}` }),
    out: z.string({ message: "--out CKPT is required" }),
    init: z.enum(["tiny", "small"], { message: "--init must be tiny or small" }).optional(),
    "n-layer": num("n-layer").int().min(1).max(48).optional(),
    "n-head": num("n-head").int().min(1).max(64).optional(),
    "n-embd": num("n-embd").int().min(8).max(4096).optional(),
    from: z.string().optional(),
    steps: num("steps").int().min(LIMITS.steps.min).max(LIMITS.steps.max).default(D.steps),
    epochs: num("epochs").gt(0).max(10_000).optional(),
    lr: num("lr").gt(0).max(LIMITS.lr.max).default(D.lr),
    batch: num("batch").int().min(LIMITS.batch.min).max(LIMITS.batch.max).default(D.batch),
    "grad-accum": num("grad-accum").int().min(LIMITS.gradAccum.min).max(LIMITS.gradAccum.max).default(1),
    beta: num("beta").gt(0).max(LIMITS.beta.max).default(D.beta),
    seed: num("seed").int().min(0).max(LIMITS.seed.max).default(D.seed),
    "eval-every": num("eval-every").int().min(1).max(LIMITS.every.max).default(D.evalEvery),
    "save-every": num("save-every").int().min(1).max(LIMITS.every.max).default(D.saveEvery),
    patience: num("patience").int().min(1).optional(),
    warmup: num("warmup").int().min(0).optional(),
    "weight-decay": num("weight-decay").min(0).max(1).default(0.1),
    "max-grad-norm": num("max-grad-norm").gt(0).default(1),
    "block-size": num("block-size").int().min(LIMITS.blockSize.min).max(LIMITS.blockSize.max).optional(),
    resume: z.boolean().default(false),
    json: z.boolean().default(false),
    // LoRA: any of the three turns it on, PEFT's usual defaults fill the others (protocol.ts's LORA_DEFAULTS)
    "lora-rank": z.string().optional(),
    "lora-alpha": z.string().optional(),
    "lora-targets": z.string().optional(),
    pilot: num("pilot").gt(0, "must be above 0 (a share of the snapshot, e.g. 0.1)").max(0.5, "must be at most 0.5").optional(),
  })
  .strict();

const LORA_FLAG: Record<string, string> = { rank: "--lora-rank", alpha: "--lora-alpha", targets: "--lora-targets" };

/** --lora-rank/--lora-alpha/--lora-targets as LoRA options (undefined: full fine-tuning); a bad one names its flag. */
function loraFlags(f: { "lora-rank"?: string; "lora-alpha"?: string; "lora-targets"?: string }): LoraOptions | undefined {
  if (f["lora-rank"] === undefined && f["lora-alpha"] === undefined && f["lora-targets"] === undefined) return undefined;
  const targets = f["lora-targets"] === undefined ? [...LORA_DEFAULTS.targets] : [...new Set(f["lora-targets"].split(",").map((t) => t.trim()).filter(Boolean))];
  const unknown = targets.find((t) => !(LORA_TARGETS as readonly string[]).includes(t));
  if (unknown !== undefined) throw new Usage(`--lora-targets: unknown target "${unknown}" (one or more of ${LORA_TARGETS.join(",")})`);
  const r = loraSchema.safeParse({ rank: f["lora-rank"] ?? LORA_DEFAULTS.rank, alpha: f["lora-alpha"] ?? LORA_DEFAULTS.alpha, targets });
  if (r.success) return r.data;
  const issue = r.error.issues[0];
  throw new Usage(`${LORA_FLAG[String(issue.path[0])] ?? "--lora-rank"}: ${issue.message}`);
}

function parse<S extends z.ZodType>(argv: string[], schema: S, booleans: string[]): z.infer<S> {
  let values;
  try {
    const options = Object.fromEntries(Object.keys((schema as unknown as { shape: Record<string, unknown> }).shape).map((k) => [k, { type: booleans.includes(k) ? "boolean" : "string" }]));
    values = parseArgs({ args: argv, options: options as never, strict: true }).values;
  } catch (e) {
    throw new Usage((e as Error).message);
  }
  const r = schema.safeParse(values);
  if (!r.success) throw new Usage(r.error.issues.map((i) => (i.path.length ? `--${i.path.join(".")}: ${i.message}` : i.message)).join("; "));
  return r.data;
}

/** Loads a checkpoint named by a flag; a missing or malformed one is a usage error. */
function checkpointFlag(flag: string, dir: string) {
  if (!fs.existsSync(path.join(dir, "config.json"))) throw new Usage(`--${flag} ${dir}: not a checkpoint (config.json missing)`);
  try {
    return loadCheckpoint(dir);
  } catch (e) {
    throw new Usage(`--${flag} ${dir}: ${(e as Error).message}`);
  }
}

/** A checkpoint's config.json, read without its weights; unreadable JSON is a usage error naming the flag. */
function configOf(flag: string, dir: string): Record<string, unknown> {
  try {
    return readJson(path.join(dir, "config.json")) as Record<string, unknown>;
  } catch (e) {
    throw new Usage(`--${flag} ${dir}: ${(e as Error).message}`);
  }
}

function reporter(json: boolean) {
  return (e: TrainerEvent) => {
    if (json) return void process.stdout.write(JSON.stringify(e) + "\n");
    if (e.type === "start") {
      const p = e.plan;
      const gib = (b: number) => (b / 2 ** 30).toFixed(2);
      process.stderr.write(`[trainer] stages ${e.stages.map((s) => s.stage).join(" → ")}${e.skipped.length ? ` (skipped ${e.skipped.join("; ")})` : ""}; ${p.microBatch} sequences a pass × ${p.gradAccum} passes an update, about ${gib(p.peakBytes)} of ${gib(p.budgetBytes)} GiB\n`);
    } else if (e.type === "step") process.stderr.write(`\r[${e.stage}] step ${e.step}/${e.totalSteps} loss ${Number(e.loss).toFixed(4)} ${e.tokensPerSec} tok/s   `);
    else if (e.type === "eval") process.stderr.write(`\n[eval] step ${e.step} ${JSON.stringify(e.metrics)}\n`);
    else if (e.type === "early_stop") process.stderr.write(`\n[${e.stage}] early stop at step ${e.step}: no better eval loss than ${Number(e.bestLoss).toFixed(4)} in ${e.patience} evaluations\n`);
    else if (e.type === "pilot") process.stderr.write(`[pilot] ${e.examples} examples (${Math.round(e.share * 100)}%): held-out loss ${e.lossBefore?.toFixed(4)} → ${e.lossAfter?.toFixed(4)}, ${e.passed ? "fell: the full run starts from the initial weights" : "did not fall"}\n`);
    else if (e.type === "done") process.stdout.write(`\nDone: ${e.checkpoint}\n${JSON.stringify(e.metrics, null, 2)}\n`);
  };
}

async function trainCommand(argv: string[]) {
  const f = parse(argv, trainFlags, ["resume", "json"]);
  if (!f.init && !f.from && !f.resume) throw new Usage("pass --init tiny|small or --from CKPT");
  if (f.init && f.from) throw new Usage("pass only one of --init and --from");
  if (f.from && (f["n-layer"] || f["n-head"] || f["n-embd"])) throw new Usage("--n-layer, --n-head and --n-embd size a new model: use them with --init, not --from");
  const nEmbd = f["n-embd"] ?? 0;
  if (nEmbd && nEmbd % (f["n-head"] ?? (f.init === "small" ? 8 : 4))) throw new Usage(`--n-embd ${nEmbd} must be divisible by the number of heads`);
  const lora = loraFlags(f);
  if (!fs.existsSync(path.join(f.snapshot, "manifest.json"))) throw new Usage(`--snapshot ${f.snapshot}: not a snapshot (manifest.json missing)`);
  // Checked by its files here and loaded once, by train(): a second copy of a base model's weights only to check the flag would stay in the wasm heap.
  if (f.from) for (const file of ["config.json", "model.safetensors"]) if (!fs.existsSync(path.join(f.from, file))) throw new Usage(`--from ${f.from}: not a checkpoint (${file} missing)`);
  if (lora && !f.from) throw new Usage("--lora-rank: LoRA fine-tunes a pretrained base: pass --from CKPT (a Llama-family checkpoint), not --init");
  if (lora && !isLlamaFamily(configOf("from", f.from!))) throw new Usage(`--lora-rank: LoRA needs a Llama-family base (${LLAMA_ARCHITECTURES.join(", ")}); --from ${f.from} is GPT-2-shaped`);
  if (fs.existsSync(f.out) && !f.resume && fs.readdirSync(f.out).length) throw new Usage(`--out ${f.out} exists and is not empty (use --resume to continue it)`);
  await chooseBackend();
  const controller = new AbortController();
  for (const sig of ["SIGTERM", "SIGINT"] as const) process.once(sig, () => controller.abort());
  const model = { nLayer: f["n-layer"], nHead: f["n-head"], nEmbd: f["n-embd"] };
  const result = await train(
    {
      snapshot: f.snapshot, stage: f.stage, out: f.out, init: f.init, from: f.from, steps: f.steps, epochs: f.epochs, lr: f.lr, batch: f.batch,
      gradAccum: f["grad-accum"], beta: f.beta, seed: f.seed, evalEvery: f["eval-every"], saveEvery: f["save-every"], patience: f.patience, warmup: f.warmup,
      weightDecay: f["weight-decay"], maxGradNorm: f["max-grad-norm"], blockSize: f["block-size"], resume: f.resume, lora, pilot: f.pilot,
      model: Object.fromEntries(Object.entries(model).filter(([, x]) => x !== undefined)),
    },
    reporter(f.json),
    controller.signal,
  );
  return result ? 0 : 130;
}

async function generateCommand(argv: string[]) {
  const f = parse(
    argv,
    z
      .object({
        model: z.string({ message: "--model CKPT is required" }),
        prompt: z.string().optional(),
        /** JSONL of {"id", "prompt"}; writes one {"type":"generation", id, outputs} line per prompt */
        "prompts-file": z.string().optional(),
        n: num("n").int().min(1).max(64).default(1),
        temperature: num("temperature").min(0).max(5).default(0.8),
        "top-k": num("top-k").int().min(0).default(0),
        "top-p": num("top-p").gt(0).max(1).default(0.95),
        "max-tokens": num("max-tokens").int().min(1).max(4096).default(128),
        seed: num("seed").int().min(0).default(1),
        json: z.boolean().default(false),
      })
      .strict(),
    ["json"],
  );
  if (!f.prompt === !f["prompts-file"]) throw new Usage("pass exactly one of --prompt TEXT and --prompts-file FILE");
  if (f["prompts-file"] && !fs.existsSync(f["prompts-file"])) throw new Usage(`--prompts-file ${f["prompts-file"]}: no such file`);
  await chooseBackend();
  const { cfg, params, tokenizer } = checkpointFlag("model", f.model);
  const sampling = { maxNewTokens: f["max-tokens"], temperature: f.temperature, topK: f["top-k"], topP: f["top-p"], seed: f.seed };
  if (f["prompts-file"]) {
    const rows = fs.readFileSync(f["prompts-file"], "utf8").split("\n").filter((l) => l.trim()).map((l, i) => {
      let r: unknown = null;
      try {
        r = JSON.parse(l);
      } catch {}
      // A user turn as "prompt", or a conversation as "messages" (system, alternating user/assistant, ending with the user).
      const row = z
        .union([
          z.object({ id: z.string(), prompt: z.string() }),
          z.object({ id: z.string(), messages: z.array(z.object({ role: z.enum(["system", "user", "assistant"]), content: z.string() })).min(1) }),
        ])
        .safeParse(r);
      if (!row.success) throw new Usage(`--prompts-file line ${i + 1}: needs string "id" and "prompt" (a string) or "messages" (a list of {role, content})`);
      return { id: row.data.id, prompt: "prompt" in row.data ? row.data.prompt : row.data.messages };
    });
    // The n samples of a prompt are one batch.
    for (const [k, r] of rows.entries()) {
      const outputs = generateReplies(params, cfg, Array.from({ length: f.n }, () => r.prompt), { ...sampling, seed: f.seed + k }, tokenizer);
      process.stdout.write(JSON.stringify({ type: "generation", id: r.id, outputs }) + "\n");
    }
    return 0;
  }
  const prompt = f.prompt!;
  const replies = generateReplies(params, cfg, Array.from({ length: f.n }, () => prompt), sampling, tokenizer);
  if (f.json) process.stdout.write(JSON.stringify({ type: "generations", outputs: replies }) + "\n");
  else replies.forEach((r, i) => process.stdout.write(`${f.n > 1 ? `--- ${i + 1}\n` : ""}${r}\n`));
  return 0;
}

/** One row of `score --input`: the prompt as messages (ending with the user turn) and the reply to score. */
const scoreRow = z.object({ id: z.string(), messages: z.array(z.object({ role: z.enum(["system", "user", "assistant"]), content: z.string() })).min(1), response: z.string() });

/** `score --model RM --input FILE`: a reward model's score of each {id, messages, response} row, one `score` event a row. */
async function scoreCommand(argv: string[]) {
  const f = parse(argv, z.object({ model: z.string({ message: "--model CKPT is required (a reward model: a run of stage rm)" }), input: z.string({ message: "--input FILE is required" }), batch: num("batch").int().min(1).max(256).default(8), json: z.boolean().default(false) }).strict(), ["json"]);
  if (!fs.existsSync(f.input)) throw new Usage(`--input ${f.input}: no such file`);
  const rows = fs.readFileSync(f.input, "utf8").split("\n").filter((l) => l.trim()).map((l, i) => {
    let r: unknown = null;
    try {
      r = JSON.parse(l);
    } catch {}
    const row = scoreRow.safeParse(r);
    if (!row.success) throw new Usage(`--input line ${i + 1}: needs string "id", "messages" (a list of {role, content}) and string "response"`);
    return row.data;
  });
  await chooseBackend();
  const { cfg, params, tokenizer } = checkpointFlag("model", f.model);
  if (!params[SCORE]) throw new Usage(`--model ${f.model}: not a reward model (no ${SCORE}; train a run of stage rm)`);
  // The prompt as the model's template renders it, then the reply as DPO's and the reward model's training saw it.
  const seqs = rows.map((r) => [...tokenizer.renderPrompt(r.messages), ...tokenizer.renderResponse([{ role: "assistant", content: r.response }])]);
  const scores = scoreSequences(params, cfg, seqs, f.batch, tokenizer.pad);
  rows.forEach((r, i) => process.stdout.write(f.json ? JSON.stringify({ type: "score", id: r.id, score: scores[i] } satisfies TrainerEvent) + "\n" : `${r.id}\t${scores[i].toFixed(4)}\n`));
  return 0;
}

async function evaluateCommand(argv: string[]) {
  const f = parse(
    argv,
    // --eval-groups FILE: {"<prompt id>": "<category>" | null}; adds the held-out loss of each category's SFT eval rows
    z.object({ model: z.string({ message: "--model CKPT is required" }), snapshot: z.string({ message: "--snapshot DIR is required" }), "eval-groups": z.string().optional(), json: z.boolean().default(true) }).strict(),
    ["json"],
  );
  if (!fs.existsSync(path.join(f.snapshot, "manifest.json"))) throw new Usage(`--snapshot ${f.snapshot}: not a snapshot (manifest.json missing)`);
  const groups = f["eval-groups"] === undefined ? null : evalGroupsFlag(f["eval-groups"]);
  await chooseBackend();
  const { cfg, params, tokenizer } = checkpointFlag("model", f.model);
  const data = loadSnapshot(f.snapshot, cfg.blockSize, tokenizer);
  // Forward passes only, but tfjs keeps a pass's intermediates until it ends: passes sized as a training step's.
  const plan = planMemory(cfg, { batch: 8, seqLen: cfg.blockSize, sequencesPerExample: 1, backend: tf.getBackend() });
  const batch = plan.ok ? plan.microBatch : 1;
  const sft = evaluate(params, cfg, data, "sft", null, { batch, beta: 0.1 });
  const categories = groups ? evaluateByCategory(params, cfg, data.sftEval, groups, batch, data.pad) : undefined;
  process.stdout.write(JSON.stringify({ sft, ...(categories ? { categories } : {}) }) + "\n");
  return 0;
}

/** The prompt → category map of --eval-groups; a missing or malformed file is a usage error naming the flag. */
function evalGroupsFlag(file: string): EvalGroups {
  let raw: unknown;
  try {
    raw = JSON.parse(fs.readFileSync(file, "utf8"));
  } catch (e) {
    throw new Usage(`--eval-groups ${file}: ${(e as Error).message}`);
  }
  const r = evalGroupsSchema.safeParse(raw);
  if (!r.success) throw new Usage(`--eval-groups ${file}: must be a JSON object of prompt id → category (a string or null)`);
  return r.data;
}

function importCommand(argv: string[]) {
  const f = parse(argv, z.object({ hf: z.string({ message: "--hf DIR is required (a local Hugging Face folder: GPT-2, Llama, Qwen2 or Mistral)" }), out: z.string({ message: "--out CKPT is required" }), json: z.boolean().default(false) }).strict(), ["json"]);
  if (!fs.existsSync(f.hf) || !fs.statSync(f.hf).isDirectory()) throw new Usage(`--hf ${f.hf}: no such folder`);
  if (fs.existsSync(f.out) && fs.readdirSync(f.out).length) throw new Usage(`--out ${f.out} exists and is not empty`);
  let cfg;
  try {
    cfg = importHf(f.hf, f.out);
  } catch (e) {
    throw new Usage(`--hf ${f.hf}: ${(e as Error).message}`);
  }
  if (f.json) process.stdout.write(JSON.stringify({ type: "done", checkpoint: f.out, config: cfg }) + "\n");
  else process.stdout.write(`Imported ${f.hf} → ${f.out} (${cfg.nLayer} layers, ${cfg.nHead} heads, width ${cfg.nEmbd}, context ${cfg.blockSize}, vocabulary ${cfg.vocabSize})\n`);
  return 0;
}

function mergeLoraCommand(argv: string[]) {
  const f = parse(argv, z.object({ model: z.string({ message: "--model CKPT is required" }), adapter: z.string({ message: "--adapter DIR is required (a PEFT LoRA folder)" }), out: z.string({ message: "--out CKPT is required" }), json: z.boolean().default(false) }).strict(), ["json"]);
  if (fs.existsSync(f.out) && fs.readdirSync(f.out).length) throw new Usage(`--out ${f.out} exists and is not empty`);
  if (!fs.existsSync(path.join(f.model, "config.json"))) throw new Usage(`--model ${f.model}: not a checkpoint (config.json missing)`);
  try {
    mergeLoraCheckpoint(f.model, f.adapter, f.out);
  } catch (e) {
    throw new Usage(`--adapter ${f.adapter}: ${(e as Error).message}`);
  }
  process.stdout.write(f.json ? JSON.stringify({ type: "done", checkpoint: f.out }) + "\n" : `Merged ${f.adapter} into ${f.model} → ${f.out}\n`);
  return 0;
}

export async function runTrainerCli(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  const json = rest.includes("--json");
  try {
    if (command === "train") return await trainCommand(rest);
    if (command === "generate") return await generateCommand(rest);
    if (command === "evaluate") return await evaluateCommand(rest);
    if (command === "score") return await scoreCommand(rest);
    if (command === "import-model") return importCommand(rest);
    if (command === "merge-lora") return mergeLoraCommand(rest);
    throw new Usage(`unknown trainer command "${command ?? ""}" (train, generate, evaluate, score, import-model, merge-lora)`);
  } catch (e) {
    // The reason goes out as an event first, so the job runner stores it as the run's error (not only in the log).
    const code = e instanceof TrainerError ? e.code : "internal";
    const message = (e as Error).message || String(e);
    if (json) process.stdout.write(JSON.stringify({ type: "error", code, message } satisfies TrainerEvent) + "\n");
    process.stderr.write(`tuneloop ${command ?? ""}: ${message}\n`);
    return code === "internal" ? 1 : 2;
  }
}
