// Evaluation per category as JSON: each model version's held-out loss, win rates against the previous and the active version, output lengths.
import { defineRoute } from "@/lib/api";
import { projectEvaluation } from "@/lib/evaluation/evaluation";

export const GET = defineRoute<undefined, { slug: string }>({ role: "reviewer" }, async ({ actor, params }) => projectEvaluation(actor, { projectSlug: params.slug }));
