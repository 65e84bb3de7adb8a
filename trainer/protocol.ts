// The contract between the trainer and the rest of Tuneloop, in zod: training stages, a run's hyperparameters and their
// limits, the progress a run stores, and the JSON-line events the trainer prints on stdout. The trainer (train.ts,
// cli.ts), the job runner (lib/jobs), the stored run (lib/runs) and the live page import these and nothing else, so the
// two ends of a message cannot drift. Pure: zod only (lib, db's enum and client components may import it).
import { z } from "zod";

/** TensorFlow.js backends the trainer can run on (trainer/backend.ts picks one; TUNELOOP_TF_BACKEND overrides). */
export const BACKENDS = ["node-gpu", "node", "wasm", "cpu"] as const;
export type BackendName = (typeof BACKENDS)[number];

/**
 * The stages the trainer runs, in the order a run runs them. `rm` trains a reward model (the policy backbone with a
 * scalar head, Bradley–Terry loss on the preference pairs): its version scores outputs and is never a policy.
 */
export const STAGES = ["pretrain", "sft", "dpo", "rm"] as const;
export type Stage = (typeof STAGES)[number];
/** What a run asks for: one stage, or `sft+dpo` (SFT on the demonstrations, then DPO on the pairs: whichever the snapshot holds). */
export const RUN_KINDS = [...STAGES, "sft+dpo"] as const;
export type RunKind = (typeof RUN_KINDS)[number];
/** What people and the retrain schedule may start (pretraining is for the CLI on raw text); `rm` makes a reward model. */
export const RETRAIN_KINDS = ["sft+dpo", "sft", "dpo", "rm"] as const satisfies readonly RunKind[];

export const stageSchema = z.enum(STAGES);
export const runKindSchema = z.enum(RUN_KINDS, { message: `Stage must be one of ${RUN_KINDS.join(", ")}` });

/** One set of limits for the web form, the API, the schedule and the trainer's CLI flags. */
export const LIMITS = {
  steps: { min: 1, max: 100_000 },
  lr: { max: 0.1 },
  batch: { min: 1, max: 256 },
  gradAccum: { min: 1, max: 256 },
  beta: { max: 10 },
  seed: { max: 2 ** 31 - 1 },
  every: { max: 100_000 },
  blockSize: { min: 8, max: 4096 },
} as const;

/** LoRA (Hu et al. 2021) on the Llama family's projections, with PEFT's short names for them. */
export const LORA_TARGETS = ["q", "k", "v", "o", "gate", "up", "down"] as const;
/** PEFT users' usual defaults: rank 16, alpha 32, every projection. */
export const LORA_DEFAULTS = { rank: 16, alpha: 32, targets: [...LORA_TARGETS] } as const;
export const loraSchema = z
  .object({
    rank: z.coerce.number({ message: "LoRA rank must be a number" }).int("LoRA rank must be a whole number").min(1, "LoRA rank at least 1").max(256, "LoRA rank at most 256"),
    alpha: z.coerce.number({ message: "LoRA alpha must be a number" }).positive("LoRA alpha must be positive").max(4096, "LoRA alpha at most 4096"),
    targets: z.array(z.enum(LORA_TARGETS, { message: `LoRA targets are among ${LORA_TARGETS.join(", ")}` })).min(1, "Pick at least one LoRA target"),
  })
  .strict();
export type LoraOptions = z.infer<typeof loraSchema>;

/** The pilot run's share of the snapshot (the guide's "start small"): 10% unless the run says otherwise. */
export const PILOT_DEFAULT_SHARE = 0.1;

export const HYPERPARAMETER_DEFAULTS = { steps: 200, lr: 3e-4, batch: 8, beta: 0.1, seed: 1, evalEvery: 50, saveEvery: 50 } as const;

const n = (label: string) => z.coerce.number({ message: `${label} must be a number` });

/** A run's hyperparameters as stored on the run and handed to the trainer; `batch` is the effective batch of one update. */
export const hyperparametersSchema = z
  .object({
    steps: n("Steps").int("Steps must be a whole number").min(LIMITS.steps.min, "At least 1 step").max(LIMITS.steps.max, "At most 100,000 steps").default(HYPERPARAMETER_DEFAULTS.steps),
    lr: n("Learning rate").gt(0, "Learning rate must be positive").max(LIMITS.lr.max, "Learning rate at most 0.1").default(HYPERPARAMETER_DEFAULTS.lr),
    batch: n("Batch").int("Batch must be a whole number").min(LIMITS.batch.min, "Batch at least 1").max(LIMITS.batch.max, "Batch at most 256").default(HYPERPARAMETER_DEFAULTS.batch),
    beta: n("Beta").gt(0, "Beta must be positive").max(LIMITS.beta.max, "Beta at most 10").default(HYPERPARAMETER_DEFAULTS.beta),
    seed: n("Seed").int().min(0).max(LIMITS.seed.max).default(HYPERPARAMETER_DEFAULTS.seed),
    evalEvery: n("Eval every").int().min(1).max(LIMITS.every.max).default(HYPERPARAMETER_DEFAULTS.evalEvery),
    saveEvery: n("Save every").int().min(1).max(LIMITS.every.max).default(HYPERPARAMETER_DEFAULTS.saveEvery),
    blockSize: n("Context length").int().min(LIMITS.blockSize.min, "Context at least 8 tokens").max(LIMITS.blockSize.max, "Context at most 4096 tokens").optional(),
    /** fine-tune with LoRA adapters on a frozen base (Llama-family bases only); absent: full fine-tuning */
    lora: loraSchema.optional(),
    /** train first on this share of the snapshot and go on only if held-out loss fell; absent: no pilot */
    pilot: n("Pilot share").gt(0, "Pilot share must be above 0").max(0.5, "Pilot share at most 0.5").optional(),
  })
  .strict();
export type Hyperparameters = z.infer<typeof hyperparametersSchema>;

/** How one update is carried out in memory (trainer/memory.ts plans it before the run starts). */
export const memoryPlanSchema = z.object({
  backend: z.string(),
  /** sequences per forward/backward pass (a DPO pair is two sequences) */
  microBatch: z.number().int().min(1),
  gradAccum: z.number().int().min(1),
  /** each block recomputed in backward (gradient checkpointing) to fit a larger pass; absent in plans made before it */
  recompute: z.boolean().optional(),
  /** estimated peak bytes of one step as planned, and the budget it must fit */
  peakBytes: z.number(),
  budgetBytes: z.number(),
});
export type MemoryPlan = z.infer<typeof memoryPlanSchema>;

/** Where a run is: what the run page and `retrain --wait` show between steps. */
export const RUN_PHASES = ["waiting", "resuming", "exporting", "starting", "pilot", "reference", "training", "evaluating", "saving", "registering", "done"] as const;
export type RunPhase = (typeof RUN_PHASES)[number];

/** A stage's steps among the run's: steps (from, to] belong to it. */
export const stageSpanSchema = z.object({ stage: stageSchema, from: z.number().int(), to: z.number().int() });
export type StageSpan = z.infer<typeof stageSpanSchema>;

/** The progress a run stores and the live page reads; every field optional (a queued run has none). */
export const runProgressSchema = z.object({
  phase: z.enum(RUN_PHASES).optional(),
  stage: stageSchema.optional(),
  step: z.number().optional(),
  totalSteps: z.number().optional(),
  loss: z.number().nullable().optional(),
  tokensPerSec: z.number().optional(),
  etaMs: z.number().optional(),
  stages: z.array(stageSpanSchema).optional(),
  plan: memoryPlanSchema.optional(),
  /** the pilot's verdict, when the run had one */
  pilot: z.object({ share: z.number(), examples: z.number(), lossBefore: z.number().nullable(), lossAfter: z.number().nullable(), passed: z.boolean() }).optional(),
  /** stages the run asked for that the snapshot had no data for, with the reason */
  skipped: z.array(z.string()).optional(),
});
export type RunProgress = z.infer<typeof runProgressSchema>;

/** Parses a stored progress object; a field of the wrong type is dropped rather than failing the page. */
export function readRunProgress(raw: unknown): RunProgress {
  const r = runProgressSchema.safeParse(raw ?? {});
  if (r.success) return r.data;
  const obj = raw && typeof raw === "object" ? (raw as Record<string, unknown>) : {};
  const shape = runProgressSchema.shape;
  return Object.fromEntries(Object.entries(shape).flatMap(([k, s]) => {
    const v = s.safeParse(obj[k]);
    return v.success && v.data !== undefined ? [[k, v.data]] : [];
  }));
}

/** JSON has no NaN: a metric with no value (an empty eval split) arrives as null. */
const metricsSchema = z.record(z.string(), z.number().nullable());

/** Why a trainer stops without finishing; the CLI exits 2 for every code but `internal` (1). */
export const TRAINER_ERROR_CODES = ["usage", "data", "no_data", "memory", "pilot_failed", "internal"] as const;
export type TrainerErrorCode = (typeof TRAINER_ERROR_CODES)[number];

/** The events of `tuneloop train|generate|import-model --json`, one JSON object per stdout line. */
export const trainerEventSchema = z.discriminatedUnion("type", [
  z.object({ type: z.literal("start"), backend: z.string(), config: z.record(z.string(), z.unknown()), snapshot: z.string(), sft: z.number(), pairs: z.number(), texts: z.number(), totalSteps: z.number(), stages: z.array(stageSpanSchema), skipped: z.array(z.string()), plan: memoryPlanSchema }),
  z.object({ type: z.literal("phase"), phase: z.enum(RUN_PHASES), stage: stageSchema.optional(), step: z.number().optional() }),
  z.object({ type: z.literal("step"), stage: stageSchema, step: z.number(), totalSteps: z.number(), loss: z.number().nullable(), tokensPerSec: z.number(), etaMs: z.number(), metrics: metricsSchema }),
  z.object({ type: z.literal("eval"), stage: stageSchema, step: z.number(), metrics: metricsSchema }),
  z.object({ type: z.literal("early_stop"), stage: stageSchema, step: z.number(), bestLoss: z.number().nullable(), patience: z.number() }),
  // peakBytes: the run's memory high-water mark (the wasm heap's size, which only grows; else the resident set)
  z.object({ type: z.literal("done"), checkpoint: z.string(), step: z.number().optional(), metrics: metricsSchema.optional(), peakBytes: z.number().optional(), config: z.record(z.string(), z.unknown()).optional() }),
  z.object({ type: z.literal("cancelled"), step: z.number() }),
  // the pilot's verdict: held-out loss before and after training on `share` of the snapshot; the full run goes on only if it fell
  z.object({ type: z.literal("pilot"), share: z.number(), examples: z.number(), lossBefore: z.number().nullable(), lossAfter: z.number().nullable(), passed: z.boolean() }),
  z.object({ type: z.literal("error"), code: z.enum(TRAINER_ERROR_CODES), message: z.string() }),
  z.object({ type: z.literal("generation"), id: z.string(), outputs: z.array(z.string()) }),
  z.object({ type: z.literal("generations"), outputs: z.array(z.string()) }),
  // `score`: a reward model's r(prompt, response) for one input row
  z.object({ type: z.literal("score"), id: z.string(), score: z.number() }),
]);
export type TrainerEvent = z.infer<typeof trainerEventSchema>;
export type TrainerEventOf<T extends TrainerEvent["type"]> = Extract<TrainerEvent, { type: T }>;

/** A line of the trainer's stdout as an event, or null when it is not one (a log line). */
export function parseTrainerLine(line: string): TrainerEvent | null {
  let raw: unknown;
  try {
    raw = JSON.parse(line);
  } catch {
    return null;
  }
  const r = trainerEventSchema.safeParse(raw);
  return r.success ? r.data : null;
}

/** Metric names in words, for the Models page and the run charts (TRL's names as the trainer logs them). */
export const METRIC_LABELS: Record<string, string> = {
  "train/loss": "Training loss",
  "train/tokens": "Tokens in the last step",
  "train/learning_rate": "Learning rate",
  "train/rewards/chosen": "DPO reward, chosen",
  "train/rewards/rejected": "DPO reward, rejected",
  "train/rewards/accuracies": "DPO preference accuracy (train)",
  "train/rewards/margins": "DPO reward margin (train)",
  "eval/loss": "Held-out loss",
  "eval/perplexity": "Held-out perplexity",
  "eval/rewards/accuracies": "DPO preference accuracy (held out)",
  "eval/rewards/margins": "DPO reward margin (held out)",
  "train/accuracy": "Reward model pairwise accuracy (train)",
  "train/margin": "Reward model margin (train)",
  "eval/accuracy": "Reward model pairwise accuracy (held out)",
  "eval/margin": "Reward model margin r(chosen) − r(rejected) (held out)",
  loss: "Loss",
  tokens: "Tokens",
  learning_rate: "Learning rate",
  perplexity: "Perplexity",
  accuracy: "Preference accuracy",
  margin: "Reward margin",
  "rewards/chosen": "DPO reward, chosen",
  "rewards/rejected": "DPO reward, rejected",
  "rewards/accuracies": "DPO preference accuracy",
  "rewards/margins": "DPO reward margin",
};

/** A metric's label in words; an unknown name is shown as it is. */
export function metricLabel(name: string): string {
  return METRIC_LABELS[name] ?? name;
}

/** A failure the trainer can name: the CLI prints it as an `error` event (with --json) and exits 2 (1 for `internal`). */
export class TrainerError extends Error {
  constructor(
    readonly code: TrainerErrorCode,
    message: string,
  ) {
    super(message);
  }
}
