// zod inputs for writing prompts and demonstrations.
import { z } from "zod";

export const savePromptDraftInput = z
  .object({
    projectSlug: z.string().min(1).max(64),
    id: z.uuid().optional(),
    instruction: z.string().trim().max(20_000, "Instruction is at most 20,000 characters"),
    input: z.string().max(50_000, "Input is at most 50,000 characters").optional().default(""),
    category: z.string().max(100).optional().default(""),
    demonstration: z.string().max(50_000, "Demonstration is at most 50,000 characters").optional().default(""),
  })
  .strict();
export type SavePromptDraftInput = z.infer<typeof savePromptDraftInput>;

export const submitPromptInput = savePromptDraftInput.extend({
  instruction: z.string().trim().min(10, "Write an instruction of at least 10 characters").max(20_000),
  category: z.string().min(1, "Pick a category").max(100),
});

export const similarPromptsInput = z
  .object({ projectSlug: z.string().min(1).max(64), instruction: z.string().max(20_000), input: z.string().max(50_000).optional() })
  .strict();
