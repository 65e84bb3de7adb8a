// zod inputs for the review queue, decisions, gold answers and annotator exclusion.
import { z } from "zod";

export const reviewKindInput = z.enum(["prompt", "demonstration", "ranking", "screening"], { message: "Kind must be prompt, demonstration, ranking or screening" });

export const reviewQueueInput = z
  .object({
    projectSlug: z.string().min(1).max(64),
    kind: reviewKindInput.optional(),
    category: z.string().max(100).optional(),
    authorId: z.uuid().optional(),
    maxAgreement: z.coerce.number().min(0).max(1).optional(),
    limit: z.coerce.number().int().min(1).max(200).default(50),
  })
  .strict();
export type ReviewQueueInput = z.infer<typeof reviewQueueInput>;

export const reviewDecisionInput = z
  .object({
    kind: reviewKindInput,
    id: z.uuid({ message: "Must be an id" }),
    decision: z.enum(["approve", "reject", "edit"], { message: "Decision must be approve, reject or edit" }),
    reason: z.string().trim().max(2000).optional(),
    edit: z
      .object({ instruction: z.string().trim().min(1).max(20_000).optional(), input: z.string().max(50_000).optional(), text: z.string().trim().min(1).max(50_000).optional() })
      .strict()
      .optional(),
  })
  .strict()
  .superRefine((v, ctx) => {
    if (v.decision === "reject" && !v.reason) ctx.addIssue({ code: "custom", path: ["reason"], message: "Say why you reject it" });
    if (v.decision === "edit" && (!v.edit || Object.keys(v.edit).length === 0)) ctx.addIssue({ code: "custom", path: ["edit"], message: "An edit needs the changed text" });
  });
export type ReviewDecisionInput = z.infer<typeof reviewDecisionInput>;

export const excludeAnnotatorInput = z.object({ projectSlug: z.string().min(1).max(64), userId: z.uuid(), excluded: z.boolean() }).strict();
export type ExcludeAnnotatorInput = z.infer<typeof excludeAnnotatorInput>;
