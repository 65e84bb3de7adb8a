"use server";
// Annotator actions: drafts and submission of prompts, near-duplicate checks, ranking tasks and their drafts, skips and rewrites,
// continuing conversations (the next user turn after a reply, or a reply to a turn), and the languages one ranks in.
import { defineAction } from "@/lib/actions";
import { continueConversation as continueTurn, replyToTurn as replyTurn } from "@/lib/conversations/continue";
import { continueConversationInput, replyToTurnInput } from "@/lib/validation/conversations";
import { checkNovelty as novelty, submitFromSeed as fromSeed } from "@/lib/prompts/from-seed";
import { findSimilarPrompts as similar, savePromptDraft as saveDraft, submitPrompt as submit } from "@/lib/prompts/write";
import { nextTaskWithDraft, saveRankingDraft as saveRankDraft } from "@/lib/rankings/drafts";
import { reviseRanking as revise, rewriteCompletion as rewrite, skipTask as skip, submitRanking as submitOrder } from "@/lib/rankings/submit";
import { noveltyInput, savePromptDraftInput, similarPromptsInput, submitFromSeedInput, submitPromptInput } from "@/lib/validation/prompts";
import { setMyLanguages as setLanguages } from "@/lib/languages/settings";
import { setMyLanguagesInput } from "@/lib/validation/languages";
import { nextTaskInput, reviseRankingInput, saveRankingDraftInput, rewriteCompletionInput, skipTaskInput, submitRankingInput } from "@/lib/validation/rankings";

export const savePromptDraft = defineAction({ input: savePromptDraftInput, role: "annotator" }, (input, actor) => saveDraft(actor, input));

export const submitPrompt = defineAction({ input: submitPromptInput, role: "annotator" }, (input, actor) => submit(actor, input));

export const submitFromSeed = defineAction({ input: submitFromSeedInput, role: "annotator" }, (input, actor) => fromSeed(actor, input));

export const checkNovelty = defineAction({ input: noveltyInput, role: "annotator" }, (input, actor) => novelty(actor, input));

export const findSimilarPrompts = defineAction({ input: similarPromptsInput, role: "annotator" }, (input, actor) => similar(actor, input));

export const nextTask = defineAction({ input: nextTaskInput, role: "annotator" }, (input, actor) => nextTaskWithDraft(actor, input));

export const saveRankingDraft = defineAction({ input: saveRankingDraftInput, role: "annotator" }, (input, actor) => saveRankDraft(actor, input));

export const submitRanking = defineAction({ input: submitRankingInput, role: "annotator" }, (input, actor) => submitOrder(actor, input));

export const reviseRanking = defineAction({ input: reviseRankingInput, role: "annotator" }, (input, actor) => revise(actor, input));

export const skipTask = defineAction({ input: skipTaskInput, role: "annotator" }, (input, actor) => skip(actor, input));

export const rewriteCompletion = defineAction({ input: rewriteCompletionInput, role: "annotator" }, (input, actor) => rewrite(actor, input));

export const continueConversation = defineAction({ input: continueConversationInput, role: "annotator" }, (input, actor) => continueTurn(actor, input));

export const replyToTurn = defineAction({ input: replyToTurnInput, role: "annotator" }, (input, actor) => replyTurn(actor, input));

export const setMyLanguages = defineAction({ input: setMyLanguagesInput, role: "annotator" }, (input, actor) => setLanguages(actor, input));
