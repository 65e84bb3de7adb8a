// What a launcher prints, one line at a time: a JSON object with a step (`{"step": 10, "loss": 1.9, …}`, TRL's log keys or
// the built-in trainer's events) becomes progress and metric rows; `{"endpoint": URL}` names where the model is served;
// anything else (text, broken JSON, JSON without a step) is a log line. Loose on purpose: engines print what they print.
import { z } from "zod";

const finite = z.number().refine(Number.isFinite);
const stepNumber = z.number().int().min(0).max(1e12);

export const launcherLineSchema = z.looseObject({
  /** the built-in trainer's event type; `eval` puts its metrics in the held-out split */
  type: z.string().optional(),
  step: stepNumber.optional(),
  loss: finite.nullable().optional(),
  totalSteps: stepNumber.optional(),
  total_steps: stepNumber.optional(),
  max_steps: stepNumber.optional(),
  metrics: z.record(z.string(), z.number().nullable()).optional(),
  endpoint: z.url({ protocol: /^https?$/ }).max(2000).optional(),
  /** the model name the endpoint serves it under (absent: the first its /models lists) */
  model: z.string().min(1).max(500).optional(),
});

export type LauncherLine = {
  step?: number;
  totalSteps?: number;
  loss?: number | null;
  /** metric name → value, by split; non-finite values and nulls left out */
  train: Record<string, number>;
  eval: Record<string, number>;
  endpoint?: string;
  endpointModel?: string;
};

/** Keys that say where the run is rather than measure it. */
const NOT_METRICS = new Set(["model", "step", "totalSteps", "total_steps", "max_steps", "type", "stage", "etaMs", "epoch_step"]);
/** The built-in trainer's events that carry a step but are not a training step's numbers. */
const NOT_PROGRESS = new Set(["done", "cancelled", "error", "phase", "pilot", "early_stop", "generation", "generations"]);
const EVAL_PREFIX = /^eval[_/]/;

/** A line as progress, or null when it is a log line. Never throws. */
export function parseLauncherLine(line: string): LauncherLine | null {
  const text = line.trim();
  if (!text.startsWith("{")) return null;
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return null;
  }
  const r = launcherLineSchema.safeParse(raw);
  if (!r.success) return null;
  const o = r.data;
  if (o.type && NOT_PROGRESS.has(o.type)) return null;
  const totalSteps = o.totalSteps ?? o.total_steps ?? o.max_steps;
  if (o.step === undefined && o.endpoint === undefined && totalSteps === undefined) return null;
  const out: LauncherLine = { train: {}, eval: {} };
  if (o.step !== undefined) out.step = o.step;
  if (totalSteps !== undefined) out.totalSteps = totalSteps;
  if (o.endpoint) {
    out.endpoint = o.endpoint;
    if (o.model) out.endpointModel = o.model;
  }
  const isEval = o.type === "eval";
  const put = (name: string, value: unknown) => {
    if (typeof value !== "number" || !Number.isFinite(value) || NOT_METRICS.has(name) || name.length > 100) return;
    if (EVAL_PREFIX.test(name)) out.eval[name.replace(EVAL_PREFIX, "")] = value;
    else (isEval ? out.eval : out.train)[name] = value;
  };
  for (const [k, v] of Object.entries(o)) put(k, v);
  for (const [k, v] of Object.entries(o.metrics ?? {})) put(k, v);
  if (!isEval && o.loss !== undefined) out.loss = o.loss;
  // A step without any number is still progress; metric rows need a step.
  if (o.step === undefined) out.train = out.eval = {};
  return out;
}
