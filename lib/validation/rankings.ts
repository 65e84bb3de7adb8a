// zod inputs for ranking work: next task, drafts, submit, revise, skip, rewrite, gold.
import { z } from "zod";
import { completionFlags } from "@/db/schema/completion-flags";
import { answersInput, answersShape } from "./questions";

const id = z.uuid({ message: "Must be an id" });
export const flagInput = z.enum(completionFlags, { message: "Unknown flag" });
/** Completion ids best first; ids in one inner array are tied. */
export const tiedOrderInput = z
  .array(z.array(id).min(1, "A tie group cannot be empty").max(9), { message: "Order must be a list of groups of completion ids" })
  .min(1, "Rank the outputs")
  .max(9);

export const nextTaskInput = z.object({ projectSlug: z.string().min(1).max(64) }).strict();
export type NextTaskInput = z.infer<typeof nextTaskInput>;

export const submitRankingInput = z
  .object({
    assignmentId: id,
    order: tiedOrderInput,
    flags: z.record(z.string(), z.array(flagInput).max(4)).default({}),
    noneAcceptable: z.boolean().default(false),
    rationale: z.string().max(5000, "Rationale is at most 5000 characters").optional(),
    timeSpentMs: z.number().int().min(0).max(24 * 3600_000).optional(),
    idempotencyKey: z.string().min(8, "idempotencyKey must be 8–100 characters").max(100),
    /** answers to the project's other questions (lib/validation/questions.ts) */
    answers: answersInput,
  })
  .strict();
export type SubmitRankingInput = z.infer<typeof submitRankingInput>;

/** Work in progress on a leased task; the same bounds as a submission, so a restored draft always submits. */
export const saveRankingDraftInput = z
  .object({
    assignmentId: id,
    draft: z
      .object({
        order: tiedOrderInput,
        flags: z.record(z.string(), z.array(flagInput).max(4)).default({}),
        noneAcceptable: z.boolean().default(false),
        rationale: z.string().max(5000, "Rationale is at most 5000 characters").default(""),
        touched: z.boolean().default(false),
        elapsedMs: z.number().int().min(0).max(24 * 3600_000).default(0),
        answers: answersShape.optional(),
      })
      .strict(),
  })
  .strict();
export type SaveRankingDraftInput = z.infer<typeof saveRankingDraftInput>;

export const reviseRankingInput = submitRankingInput.omit({ assignmentId: true }).extend({ rankingId: id }).strict();
export type ReviseRankingInput = z.infer<typeof reviseRankingInput>;

export const skipTaskInput = z
  .object({ assignmentId: id, reason: z.string().trim().min(1, "Say why you skip").max(500) })
  .strict();
export type SkipTaskInput = z.infer<typeof skipTaskInput>;

export const rewriteCompletionInput = z
  .object({ assignmentId: id, completionId: id, text: z.string().trim().min(1, "The rewrite is empty").max(50_000) })
  .strict();
export type RewriteCompletionInput = z.infer<typeof rewriteCompletionInput>;

export const setGoldInput = z.object({ promptId: id, order: tiedOrderInput }).strict();
export type SetGoldInput = z.infer<typeof setGoldInput>;
