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
import { suggestionsFor } from "@/lib/suggestions/suggestions";
import { isSettled, overlapRange } from "./routing";

/**
 * Settled = the overlap (routing: minOverlap) is reached and agreement passes the project's threshold. Agreement is
 * Kendall's W over the rankings, lowered to the form's agreement on its rating, label and strength answers when that is
 * lower, and to 0 when the project's reward model cannot separate the top two outputs (lib/consensus/question-agreement.ts
 * states the rule). With settings.routingSignal "confidence" the mean pairwise confidence (lib/consensus/pairwise-confidence.ts)
 * takes W's place, from two rankings on, as W's does (tests/bench/routing.ts measures both). A single wanted ranking
 * (overlap 1) settles on that ranking alone.
 * With settings.rewardAsRanking, the active reward model's order of the outputs (rewardRanking) joins the human rankings
 * in the consensus and in the routing signal as one more ranking of weight 1; rankingCount stays the number of people.
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
  const suggestion = settings.rewardMarginThreshold !== undefined || settings.rewardAsRanking ? (await suggestionsFor(tx, prompt.projectId, [promptId])).get(promptId) : undefined;
  const rm = settings.rewardAsRanking ? rewardRanking(suggestion?.order, rows.map((r) => r.order)) : null;
  const orders = rm ? [...rows.map((r) => r.order), rm] : rows.map((r) => r.order);
  const result = consensusOrder(orders.map((order) => ({ order })));
  const reward = settings.rewardMarginThreshold === undefined ? undefined : { margin: suggestion?.margin ?? null, threshold: settings.rewardMarginThreshold };
  const signal = settings.routingSignal === "confidence" ? (orders.length >= 2 ? pairwiseConfidence(orders) : null) : result.agreement.kendallW;
  const agreement = routingAgreement(signal, questionsOf(settings), rows.map((r) => r.answers ?? {}), reward);
  const settled = isSettled({ rankingCount: rows.length, agreement }, overlapRange(settings), settings.agreementThreshold);
  return updatePrompt(tx, promptId, {
    rankingCount: rows.length,
    consensus: { order: result.order, scores: result.scores },
    agreement,
    settled,
  });
}

/**
 * The reward model's order as a ranking (one output a group, best first) when it scored every output the people ranked;
 * null otherwise: an order over some of the outputs would narrow the agreement figures to those (they compare the outputs
 * every ranking lists), so a prompt with an output the score job has not reached yet routes on its people alone.
 */
export function rewardRanking(order: string[] | undefined, human: string[][][]): string[][] | null {
  if (!order?.length) return null;
  const scored = new Set(order);
  return human.every((h) => h.flat().every((id) => scored.has(id))) ? order.map((id) => [id]) : null;
}
