// The review queue and reviewers' decisions: approve, reject with a reason, or edit (kept as a diff).
import "server-only";
import { historiesBefore } from "@/lib/conversations/history";
import { getDb } from "@/db/client";
import { projectBySlugOr404 } from "@/lib/projects/projects";
import * as qp from "@/db/queries/prompts";
import * as qr from "@/db/queries/rankings";
import * as qv from "@/db/queries/reviews";
import { getUserById } from "@/db/queries/users";
import { recordAudit } from "@/lib/audit";
import { announceSettled, emitWebhookEvent } from "@/lib/webhooks/emit";
import { assertRole, type Actor } from "@/lib/auth/roles";
import { AppError } from "@/lib/errors";
import { promptQuestionConsensus } from "@/lib/consensus/questions";
import { questionsOf } from "@/lib/questions/check";
import { decideScreening, listScreeningQueue } from "@/lib/screening/review";
import { screenStored } from "@/lib/screening/screen";
import { recomputePromptConsensus } from "@/lib/rankings/consensus-state";
import { overlapRange } from "@/lib/rankings/routing";
import { isRankable } from "@/lib/rankings/tasks";
import { suggestionsFor } from "@/lib/suggestions/suggestions";
import type { SetGoldInput } from "@/lib/validation/rankings";
import type { ExcludeAnnotatorInput, ReviewDecisionInput, ReviewQueueInput } from "@/lib/validation/reviews";


export async function listReviewQueue(actor: Actor, input: ReviewQueueInput) {
  assertRole(actor, "reviewer");
  const db = getDb();
  const project = await projectBySlugOr404(db, input.projectSlug, "projectSlug");
  const f = { projectId: project.id, category: input.category, authorId: input.authorId, maxAgreement: input.maxAgreement, limit: input.limit, overlap: overlapRange(project.settings).max };
  const want = (k: string) => !input.kind || input.kind === k;
  const [prompts, demonstrations, unsettled, screenings] = await Promise.all([
    want("prompt") && input.maxAgreement === undefined ? qv.listSubmittedPrompts(db, f) : [],
    want("demonstration") && input.maxAgreement === undefined ? qv.listSubmittedDemonstrations(db, f) : [],
    want("ranking") ? qv.listUnsettledPrompts(db, f) : [],
    want("screening") && input.maxAgreement === undefined && !input.authorId ? listScreeningQueue(db, f) : [],
  ]);
  // The active reward model's suggested order and top-two margin, where it scored the prompt's outputs (lib/suggestions).
  const suggestions = await suggestionsFor(db, project.id, unsettled.map((p) => p.id));
  const rankings = await Promise.all(
    unsettled.map(async (p) => {
      const [rows, completions] = await Promise.all([qv.listPromptRankingsWithNames(db, p.id), qp.listCompletionsByPrompt(db, p.id)]);
      const human = rows.filter((r) => r.source === "human");
      // Consensus and agreement of the project's other questions (ratings, labels, strength, texts, spans) over the same rankings.
      const questions = promptQuestionConsensus(questionsOf(project.settings), human.map((r) => r.answers)).filter((c) => c.type !== "ranking");
      return { ...p, rankings: human, questions, completions: completions.filter(isRankable).map((c) => ({ id: c.id, text: c.text, generator: c.generator })), suggestion: suggestions.get(p.id) ?? null };
    }),
  );
  // A later turn of a conversation is reviewed with the turns before it (prompt id → messages; single-turn prompts absent).
  const histories = Object.fromEntries(await historiesBefore(db, [...prompts.map((p) => p.id), ...demonstrations.map((d) => d.promptId), ...unsettled.map((p) => p.id)]));
  return { project: { slug: project.slug, name: project.name, categories: project.categories }, prompts, demonstrations, rankings, screenings, histories };
}

export async function decideReview(actor: Actor, input: ReviewDecisionInput) {
  assertRole(actor, "reviewer");
  return getDb().transaction(async (tx) => {
    if (input.kind === "screening") return decideScreening(tx, actor, input);
    let diff: Record<string, { before: string | null; after: string | null }> | null = null;
    let projectId: string;
    if (input.kind === "prompt") {
      const prompt = await qp.getPromptById(tx, input.id, { lock: true });
      if (!prompt) throw new AppError("not_found:prompt", "No such prompt.", { id: ["Unknown prompt"] });
      projectId = prompt.projectId;
      if (prompt.status !== "submitted") throw new AppError("conflict:review", `This prompt is ${prompt.status}, not awaiting review.`);
      const demo = prompt.authorId ? await qp.getDemonstrationForPrompt(tx, prompt.id, prompt.authorId) : null;
      if (input.decision === "edit") {
        diff = {};
        const e = input.edit!;
        if (e.instruction !== undefined && e.instruction !== prompt.instruction) diff.instruction = { before: prompt.instruction, after: e.instruction };
        if (e.input !== undefined && (e.input || null) !== prompt.input) diff.input = { before: prompt.input, after: e.input || null };
        if (e.text !== undefined && demo && e.text !== demo.text) diff.demonstration = { before: demo.text, after: e.text };
        await qp.updatePrompt(tx, prompt.id, { instruction: e.instruction ?? prompt.instruction, input: e.input !== undefined ? e.input || null : prompt.input });
        if (demo && e.text !== undefined) await qp.updateCompletion(tx, demo.id, { text: e.text });
        await screenStored(tx, { promptIds: [prompt.id], completionIds: demo ? [demo.id] : [] });
      }
      const status = input.decision === "reject" ? "rejected" : "approved";
      await qp.updatePrompt(tx, prompt.id, { status });
      if (demo && demo.status !== "rejected") await qp.updateCompletion(tx, demo.id, { status });
    } else if (input.kind === "demonstration") {
      const c = await qp.getCompletionById(tx, input.id);
      if (!c || !c.isDemonstration) throw new AppError("not_found:completion", "No such demonstration.", { id: ["Unknown demonstration"] });
      if (c.status !== "submitted") throw new AppError("conflict:review", `This demonstration is ${c.status}, not awaiting review.`);
      projectId = (await qp.getPromptById(tx, c.promptId)).projectId;
      if (input.decision === "edit") {
        diff = { text: { before: c.text, after: input.edit!.text ?? c.text } };
        await qp.updateCompletion(tx, c.id, { text: input.edit!.text ?? c.text });
        await screenStored(tx, { completionIds: [c.id] });
      }
      await qp.updateCompletion(tx, c.id, { status: input.decision === "reject" ? "rejected" : "approved" });
    } else {
      const prompt = await qp.getPromptById(tx, input.id, { lock: true });
      if (!prompt) throw new AppError("not_found:prompt", "No such prompt.", { id: ["Unknown prompt"] });
      if (input.decision === "edit") throw new AppError("bad_request:review", "Rankings are approved or rejected; set a gold order to correct them.", { decision: ["Use approve or reject"] });
      projectId = prompt.projectId;
      // Approve: the reviewer accepts the consensus despite low agreement. Reject: the prompt is left out of training data.
      if (input.decision === "approve") {
        const settled = await qp.updatePrompt(tx, prompt.id, { settled: true });
        if (!prompt.settled && settled) await announceSettled(tx, settled, "review");
      }
      else await qp.updatePrompt(tx, prompt.id, { status: "rejected", settled: false });
    }
    const review = await qr.insertReview(tx, {
      targetType: input.kind === "demonstration" ? "completion" : input.kind === "ranking" ? "ranking" : "prompt",
      targetId: input.id,
      reviewerId: actor.id,
      decision: input.decision,
      reason: input.reason ?? null,
      diff,
    });
    await recordAudit(tx, { actorId: actor.id, action: `review.${input.decision}`, targetType: input.kind, targetId: input.id, data: { reason: input.reason ?? null, reviewId: review.id } });
    await emitWebhookEvent(tx, {
      projectId,
      event: "review.decided",
      data: { reviewId: review.id, kind: input.kind, targetId: input.id, decision: input.decision, reason: input.reason ?? null, reviewerId: actor.id },
    });
    return { reviewId: review.id, decision: input.decision };
  });
}

/** A reviewer fixes the right order for a prompt; gold prompts leave the normal stream and score annotators. */
export async function setGoldAnswer(actor: Actor, input: SetGoldInput) {
  assertRole(actor, "reviewer");
  return getDb().transaction(async (tx) => {
    const prompt = await qp.getPromptById(tx, input.promptId, { lock: true });
    if (!prompt) throw new AppError("not_found:prompt", "No such prompt.", { promptId: ["Unknown prompt"] });
    const rankable = new Set((await qp.listCompletionsByPrompt(tx, prompt.id)).filter(isRankable).map((c) => c.id));
    const listed = input.order.flat();
    if (new Set(listed).size !== listed.length || listed.some((id) => !rankable.has(id))) {
      throw new AppError("bad_request:gold", "The gold order must list this prompt's outputs, each once.", { order: ["List each output once"] });
    }
    await qp.updatePrompt(tx, prompt.id, { isGold: true, goldOrder: input.order });
    await recordAudit(tx, { actorId: actor.id, action: "prompt.set_gold", targetType: "prompt", targetId: prompt.id });
    return { promptId: prompt.id };
  });
}

export async function setAnnotatorExcluded(actor: Actor, input: ExcludeAnnotatorInput) {
  assertRole(actor, "reviewer");
  const db = getDb();
  const project = await projectBySlugOr404(db, input.projectSlug, "projectSlug");
  // Unknown ids would otherwise fail the foreign key (a 500) or record an audit for nobody.
  if (!(await getUserById(db, input.userId))) throw new AppError("not_found:user", "No such user.", { userId: ["Unknown user"] });
  return db.transaction(async (tx) => {
    if (input.excluded) await qr.insertExcludedAnnotator(tx, { projectId: project.id, userId: input.userId, excludedBy: actor.id });
    else await qr.deleteExcludedAnnotator(tx, { projectId: project.id, userId: input.userId });
    const promptIds = await qr.listPromptIdsRankedBy(tx, { projectId: project.id, annotatorId: input.userId });
    for (const id of promptIds) await recomputePromptConsensus(tx, id, project.settings);
    await recordAudit(tx, { actorId: actor.id, action: input.excluded ? "annotator.exclude" : "annotator.include", targetType: "user", targetId: input.userId, data: { project: project.slug } });
    return { userId: input.userId, excluded: input.excluded, promptsRecomputed: promptIds.length };
  });
}
