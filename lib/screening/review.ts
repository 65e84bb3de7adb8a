// Screening in the review queue: prompts whose texts hold PII hits or a safety flag, shown with the hits, cleared or rejected by a reviewer.
import "server-only";
import type { DbOrTx } from "@/db/client";
import * as qp from "@/db/queries/prompts";
import * as qr from "@/db/queries/rankings";
import * as qs from "@/db/queries/screenings";
import type { ScreeningHit } from "@/db/schema";
import { recordAudit } from "@/lib/audit";
import type { Actor } from "@/lib/auth/roles";
import { AppError } from "@/lib/errors";
import type { ReviewDecisionInput } from "@/lib/validation/reviews";

/** One screened text of a queue item: what it is, the text and its hits (offsets into `text`). */
export type ScreenedText = { label: string; text: string; hits: Array<Omit<ScreeningHit, "field">> };
export type ScreeningQueueRow = { id: string; instruction: string; input: string | null; category: string | null; texts: ScreenedText[]; safety: string[] | null };

/** Prompts with open screenings and each screened text that has something to show, in the prompt's order: instruction, input, then outputs. */
export async function listScreeningQueue(db: DbOrTx, opts: { projectId: string; category?: string; limit: number }): Promise<ScreeningQueueRow[]> {
  const prompts = await qs.listOpenScreeningPrompts(db, opts);
  const all = await qs.listScreeningsByPrompts(
    db,
    prompts.map((p) => p.id),
  );
  return Promise.all(
    prompts.map(async (p) => {
      const mine = all.filter((s) => s.promptId === p.id && s.review === "open");
      const completions = await qp.listCompletionsByPrompt(db, p.id);
      const texts: ScreenedText[] = [];
      const promptHits = mine.find((s) => s.targetType === "prompt")?.pii ?? [];
      const of = (hits: ScreeningHit[], field: ScreeningHit["field"]) => hits.filter((h) => h.field === field).map(({ field: _f, ...h }) => h);
      texts.push({ label: "instruction", text: p.instruction, hits: of(promptHits, "instruction") });
      if (p.input) texts.push({ label: "input", text: p.input, hits: of(promptHits, "input") });
      completions.forEach((c, i) => {
        const s = mine.find((x) => x.targetType === "completion" && x.targetId === c.id);
        if (s) texts.push({ label: c.isDemonstration ? "demonstration" : `output ${i + 1}${c.generator ? ` (${c.generator})` : ""}`, text: c.text, hits: of(s.pii, "text") });
      });
      const flagged = mine.filter((s) => s.safety === "flagged").flatMap((s) => s.safetyCategories ?? []);
      return { ...p, texts, safety: mine.some((s) => s.safety === "flagged") ? [...new Set(flagged)] : null };
    }),
  );
}

/** Approve: the hits are not personal data or may stay (exports keep the text). Reject: the prompt leaves training data. */
export async function decideScreening(tx: DbOrTx, actor: Actor, input: ReviewDecisionInput) {
  if (input.decision === "edit") throw new AppError("bad_request:review", "Screened texts are cleared or rejected; edit the prompt through its own review.", { decision: ["Use approve or reject"] });
  const prompt = await qp.getPromptById(tx, input.id, { lock: true });
  if (!prompt) throw new AppError("not_found:prompt", "No such prompt.", { id: ["Unknown prompt"] });
  const closed = await qs.closeOpenScreenings(tx, prompt.id, input.decision === "approve" ? "cleared" : "confirmed");
  if (!closed) throw new AppError("conflict:review", "This prompt has no screening awaiting review.");
  if (input.decision === "reject") await qp.updatePrompt(tx, prompt.id, { status: "rejected", settled: false });
  const review = await qr.insertReview(tx, { targetType: "prompt", targetId: prompt.id, reviewerId: actor.id, decision: input.decision, reason: input.reason ?? null, diff: null });
  await recordAudit(tx, { actorId: actor.id, action: `screening.${input.decision}`, targetType: "prompt", targetId: prompt.id, data: { reason: input.reason ?? null, reviewId: review.id, screenings: closed } });
  return { reviewId: review.id, decision: input.decision };
}
