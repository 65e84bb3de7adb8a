// zod inputs for writing prompts and demonstrations.
import { z } from "zod";

/** Longest text each field of a prompt takes (characters); the write form counts against the same numbers. */
export const promptLimits = { instruction: 20_000, input: 50_000, demonstration: 50_000 } as const;

/** "Instruction is at most 20,000 characters": the message the form shows beside an overlong field. */
export function tooLongMessage(label: string, max: number): string {
  return `${label} is at most ${max.toLocaleString("en-US")} characters`;
}

const instruction = z.string().trim().max(promptLimits.instruction, tooLongMessage("Instruction", promptLimits.instruction));

export const savePromptDraftInput = z
  .object({
    projectSlug: z.string().min(1).max(64),
    id: z.uuid().optional(),
    instruction,
    input: z.string().max(promptLimits.input, tooLongMessage("Input", promptLimits.input)).optional().default(""),
    category: z.string().max(100).optional().default(""),
    demonstration: z.string().max(promptLimits.demonstration, tooLongMessage("Demonstration", promptLimits.demonstration)).optional().default(""),
  })
  .strict();
export type SavePromptDraftInput = z.infer<typeof savePromptDraftInput>;

export const submitPromptInput = savePromptDraftInput.extend({
  instruction: instruction.min(10, "Write an instruction of at least 10 characters"),
  category: z.string().min(1, "Pick a category").max(100),
});
export type SubmitPromptInput = z.infer<typeof submitPromptInput>;

export const similarPromptsInput = z
  .object({ projectSlug: z.string().min(1).max(64), instruction: z.string().max(promptLimits.instruction), input: z.string().max(promptLimits.input).optional() })
  .strict();
export type SimilarPromptsInput = z.infer<typeof similarPromptsInput>;

/** Write from a seed: how many seed tasks to show (Self-Instruct shows 8: 6 human-written, 2 generated). */
export const seedTasksInput = z.object({ projectSlug: z.string().min(1).max(64), k: z.coerce.number().int("k is a whole number").min(1, "k is at least 1").max(20, "k is at most 20").default(6) }).strict();
export type SeedTasksInput = z.infer<typeof seedTasksInput>;

export const noveltyInput = z.object({ projectSlug: z.string().min(1).max(64), instruction, id: z.uuid().optional() }).strict();
export type NoveltyInput = z.infer<typeof noveltyInput>;

/** A task written from seeds: a prompt submission plus the seed tasks it was written from. */
export const submitFromSeedInput = submitPromptInput.extend({ seedIds: z.array(z.uuid("Each seed id is a prompt id")).max(20, "At most 20 seeds").default([]) }).strict();
export type SubmitFromSeedInput = z.infer<typeof submitFromSeedInput>;

/** A model source or one of the project's model versions (a label, or "active") drafts `n` tasks, each from `k` random seed tasks (Self-Instruct asks with 8). */
export const draftFromSeedsInput = z
  .object({
    projectSlug: z.string().min(1).max(64),
    source: z.string().min(1, "Name a model source").max(64).optional(),
    version: z.string().min(1, "Name a model version").max(64).optional(),
    n: z.coerce.number().int("n is a whole number").min(1, "n is at least 1").max(50, "n is at most 50").default(10),
    k: z.coerce.number().int("k is a whole number").min(1, "k is at least 1").max(20, "k is at most 20").default(6),
  })
  .strict()
  .superRefine((v, ctx) => {
    if (!v.source === !v.version)
      ctx.addIssue({ code: "custom", path: [v.source ? "version" : "source"], message: v.source ? "Name a model source or a model version, not both" : "Name a model source or a model version" });
  });
export type DraftFromSeedsInput = z.infer<typeof draftFromSeedsInput>;

/** A queued drafting job (the Diversity page's form reads its state back). */
export const seedDraftsJobRef = z.object({ projectSlug: z.string().min(1).max(64), jobId: z.uuid("jobId is a job id") }).strict();
export type SeedDraftsJobRef = z.infer<typeof seedDraftsJobRef>;
