// POST /api/v1/tasks/:id/ranking: submit the ranking of a leased task; idempotent by the body's idempotencyKey.
import { defineRoute } from "@/lib/api";
import { submitRanking } from "@/lib/rankings/submit";
import { submitRankingInput } from "@/lib/validation/rankings";

/** The task (assignment) comes from the path; the body is the ranking. */
const submitRankingBody = submitRankingInput.omit({ assignmentId: true });

/**
 * 201 for a new ranking (with revisedFrom when it replaced one sent from elsewhere within the revise window);
 * 200 with duplicate: true when nothing new was written (a retry under the same key, or the same ranking again);
 * 409 conflict:already_submitted, with the stored ranking, when the task was submitted elsewhere and can no longer be revised.
 */
export const POST = defineRoute<typeof submitRankingBody, { id: string }>({ role: "annotator", body: submitRankingBody }, async ({ actor, body, params }) => {
  const result = await submitRanking(actor, { ...body, assignmentId: params.id });
  if (result.alreadySubmitted) {
    const message = "This task was already submitted from elsewhere and its revise window has closed; nothing was saved. The stored ranking is attached.";
    return Response.json({ error: { code: "conflict:already_submitted", message, rankingId: result.rankingId, stored: result.alreadySubmitted } }, { status: 409 });
  }
  return Response.json(result, { status: result.duplicate ? 200 : 201 });
});
