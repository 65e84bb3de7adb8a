// Recomputes a prompt's consensus order, agreement and settled flag from its current human rankings.
import "server-only";
import type { DbOrTx } from "@/db/client";
import { getPromptById, updatePrompt } from "@/db/queries/prompts";
import { listConsensusRankings } from "@/db/queries/rankings";
import type { ProjectSettings } from "@/db/schema";
import { consensusOrder } from "@/lib/consensus/consensus";
import { pairwiseConfidence } from "@/lib/consensus/pairwise-confidence";
import { routingAgreement } from "@/lib/consensus/question-agreement";
import { questionsOf } from "@/lib/questions/check";
import { rewardMarginOf } from "@/lib/suggestions/suggestions";
import { isSettled, overlapRange } from "./routing";

/**
 * Settled = the overlap (routing: minOverlap) is reached and agreement passes the project's threshold. Agreement is
 * Kendall's W over the rankings, lowered to the form's agreement on its rating, label and strength answers when that is
 * lower, and to 0 when the project's reward model cannot separate the top two outputs (lib/consensus/question-agreement.ts
 * states the rule). With settings.routingSignal "confidence" the mean pairwise confidence (lib/consensus/pairwise-confidence.ts)
 * takes W's place, from two rankings on, as W's does (tests/bench/routing.ts measures both). A single wanted ranking
 * (overlap 1) settles on that ranking alone.
 * "None acceptable" rankings still count toward the overlap; their order is used as given.
 */
export async function recomputePromptConsensus(tx: DbOrTx, promptId: string, settings: ProjectSettings, known?: { projectId: string }) {
  // a caller that already read the prompt (submit, revise) passes it: one read fewer
  const prompt = known ?? (await getPromptById(tx, promptId));
  if (!prompt) return null;
  const rows = await listConsensusRankings(tx, promptId);
  if (rows.length === 0) {
    return updatePrompt(tx, promptId, { rankingCount: 0, consensus: null, agreement: null, settled: false });
  }
  const result = consensusOrder(rows.map((r) => ({ order: r.order })));
  const reward = settings.rewardMarginThreshold === undefined ? undefined : { margin: await rewardMarginOf(tx, prompt.projectId, promptId), threshold: settings.rewardMarginThreshold };
  const signal = settings.routingSignal === "confidence" ? (rows.length >= 2 ? pairwiseConfidence(rows.map((r) => r.order)) : null) : result.agreement.kendallW;
  const agreement = routingAgreement(signal, questionsOf(settings), rows.map((r) => r.answers ?? {}), reward);
  const settled = isSettled({ rankingCount: rows.length, agreement }, overlapRange(settings), settings.agreementThreshold);
  return updatePrompt(tx, promptId, {
    rankingCount: rows.length,
    consensus: { order: result.order, scores: result.scores },
    agreement,
    settled,
  });
}
