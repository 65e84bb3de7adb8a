// POST /api/v1/tasks/:id/ranking: submit the ranking of a leased task; idempotent by the body's idempotencyKey.
import { defineRoute } from "@/lib/api";
import { submitRanking } from "@/lib/rankings/submit";
import { submitRankingInput } from "@/lib/validation/rankings";

/** The task (assignment) comes from the path; the body is the ranking. */
const submitRankingBody = submitRankingInput.omit({ assignmentId: true });

/** 201 for a new ranking; 200 with duplicate: true for a retry of one already recorded under the same key. */
export const POST = defineRoute<typeof submitRankingBody, { id: string }>({ role: "annotator", body: submitRankingBody }, async ({ actor, body, params }) => {
  const result = await submitRanking(actor, { ...body, assignmentId: params.id });
  return Response.json(result, { status: result.duplicate ? 200 : 201 });
});
