// The environment a launcher starts with (README "Train on a cluster"): where the snapshot and the base model are, where
// to write the model, the hyperparameters as one JSON and as one variable each. Pure: the job runner adds process.env.
import type { Hyperparameters, RunKind } from "@/trainer/protocol";

/** `evalEvery` → `EVAL_EVERY`, `blockSize` → `BLOCK_SIZE`. */
const snake = (key: string) => key.replace(/([a-z0-9])([A-Z])/g, "$1_$2").toUpperCase();

/** One variable per hyperparameter; a nested object (LoRA) gives one per field (`TUNELOOP_LORA_RANK`), a list joins with commas. */
export function hyperparameterVars(h: Partial<Hyperparameters>, prefix = "TUNELOOP_"): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(h)) {
    if (value === undefined || value === null) continue;
    const name = `${prefix}${snake(key)}`;
    if (Array.isArray(value)) out[name] = value.join(",");
    else if (typeof value === "object") Object.assign(out, hyperparameterVars(value as Partial<Hyperparameters>, `${name}_`));
    else out[name] = String(value);
  }
  return out;
}

export type LauncherContext = {
  runId: string;
  stage: RunKind;
  /** the snapshot folder: sft.{train,eval}.jsonl and preference.{train,eval}.jsonl in TRL's conversational format, manifest.json */
  snapshotDir: string;
  /** a checkpoint folder, or a preset name (tiny, small) when the run starts from scratch */
  baseModel: string;
  /** an empty folder the launcher writes the trained model to (a Hugging Face folder: config.json and weights) */
  outputDir: string;
  hyperparameters: Partial<Hyperparameters>;
};

/** The app's secrets: a launcher (and the cluster a recipe ships its variables to) never sees them. */
export const WITHHELD = ["DATABASE_URL", "AUTH_SECRET", "NEXTAUTH_SECRET", "TUNELOOP_SECRET_KEY"] as const;

/** The app's environment without its secrets, plus the run's variables; TUNELOOP_VARS names the run's (recipes forward those). */
export function launcherProcessEnv(base: NodeJS.ProcessEnv, c: LauncherContext): NodeJS.ProcessEnv {
  const kept: NodeJS.ProcessEnv = { ...base };
  for (const name of WITHHELD) delete kept[name];
  const vars = launcherEnv(c);
  return { ...kept, ...vars, TUNELOOP_VARS: Object.keys(vars).join(" ") };
}

export function launcherEnv(c: LauncherContext): Record<string, string> {
  return {
    TUNELOOP_RUN_ID: c.runId,
    TUNELOOP_STAGE: c.stage,
    TUNELOOP_SNAPSHOT: c.snapshotDir,
    TUNELOOP_BASE_MODEL: c.baseModel,
    TUNELOOP_OUTPUT: c.outputDir,
    TUNELOOP_HYPERPARAMETERS: JSON.stringify(c.hyperparameters),
    ...hyperparameterVars(c.hyperparameters),
  };
}
