// zod inputs for training runs, the retrain schedule and model versions.
import { CronExpressionParser } from "cron-parser";
import { z } from "zod";
import { RETRAIN_KINDS, hyperparametersSchema, type Hyperparameters } from "@/trainer/protocol";

/** Stages, limits and defaults are trainer/protocol.ts's: one list and one set for the form, the API, the schedule and the trainer. */
export const stageInput = z.enum(RETRAIN_KINDS, { message: "Stage must be sft+dpo, sft, dpo or rm" });

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** active | tiny | small | a model version id of this project | model:<imported base model id> | an absolute path to a checkpoint folder */
export const baseInput = z
  .string()
  .trim()
  .min(1, "Pick a base model")
  .max(500)
  .refine((v) => v === "active" || v === "tiny" || v === "small" || UUID.test(v) || (v.startsWith("model:") && UUID.test(v.slice(6))) || v.startsWith("/"), {
    message: "Base must be active, tiny, small, a model version id, an imported base model (model:ID), or an absolute checkpoint path",
  });

export const hyperparametersInput = hyperparametersSchema;
export type { Hyperparameters };

export const createRunInput = z
  .object({
    projectSlug: z.string().min(1).max(64),
    stage: stageInput.default("sft+dpo"),
    base: baseInput.default("active"),
    /** an existing export id; absent → a fresh snapshot is exported when the run starts */
    snapshotId: z.uuid({ message: "Unknown snapshot" }).optional(),
    hyperparameters: hyperparametersInput.default(hyperparametersInput.parse({})),
  })
  .strict();
export type CreateRunInput = z.infer<typeof createRunInput>;

/** Promote a version; a page names its project, so a version of another project is not promoted from it. */
export const promoteVersionInput = z.object({ projectSlug: z.string().min(1).max(64).optional(), versionId: z.uuid({ message: "Unknown version" }), reason: z.string().max(500).optional() }).strict();
export type PromoteVersionInput = z.infer<typeof promoteVersionInput>;

/** The release gate's comparison for a version: how many held-out prompts both versions answer. */
export const requestComparisonInput = z.object({ projectSlug: z.string().min(1).max(64), versionId: z.uuid({ message: "Unknown version" }), limit: z.number().int().min(1).max(1000).default(40) }).strict();
export type RequestComparisonInput = z.infer<typeof requestComparisonInput>;

/** The active version writes outputs for up to `limit` prompts that need them. */
export const requestGenerationInput = z.object({ projectSlug: z.string().min(1).max(64), limit: z.coerce.number().int().min(1).max(10_000).default(100) }).strict();
export type RequestGenerationInput = z.infer<typeof requestGenerationInput>;

export const cronInput = z
  .string()
  .trim()
  .min(1, "Enter a cron expression")
  .max(100)
  .refine(
    (v) => {
      try {
        CronExpressionParser.parse(v);
        return v.split(/\s+/).length >= 5;
      } catch {
        return false;
      }
    },
    { message: "Not a valid cron expression (e.g. `0 3 * * *` for 03:00 every day)" },
  );

export const retrainScheduleInput = z
  .object({
    projectSlug: z.string().min(1).max(64),
    cron: cronInput,
    minNewPairs: z.coerce.number().int().min(0, "Cannot be negative").max(10_000_000).default(100),
    // z.coerce.boolean reads any non-empty text ("false", "no") as true.
    enabled: z.preprocess((v) => (v === "false" || v === "0" ? false : v === "true" || v === "1" ? true : v), z.boolean({ error: "enabled must be true or false" })).default(true),
    /** how scheduled runs fine-tune (the retrain form's LoRA and pilot fields); absent: as the last run did */
    hyperparameters: z.object({ lora: hyperparametersSchema.shape.lora, pilot: hyperparametersSchema.shape.pilot }).strict().optional(),
  })
  .strict();
export type RetrainScheduleInput = z.infer<typeof retrainScheduleInput>;
