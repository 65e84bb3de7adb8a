// Inputs of the Evaluation page's one change: computing a version's held-out loss per category again.
import { z } from "zod";

export const requestCategoryEvaluationInput = z.object({ projectSlug: z.string().min(1).max(64), versionId: z.uuid({ message: "Unknown version" }) }).strict();
export type RequestCategoryEvaluationInput = z.infer<typeof requestCategoryEvaluationInput>;
