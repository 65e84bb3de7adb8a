"use server";
// Reviewer actions: decisions on queue items, gold answers, excluding an annotator from consensus.
import { revalidatePath } from "next/cache";
import { defineAction } from "@/lib/actions";
import { decideReview as decide, setAnnotatorExcluded as setExcluded, setGoldAnswer as setGold } from "@/lib/reviews/review";
import { getSeedDraftsStatus, queueSeedDrafts } from "@/lib/prompts/seed-drafts-job";
import { draftFromSeedsInput, seedDraftsJobRef } from "@/lib/validation/prompts";
import { setGoldInput } from "@/lib/validation/rankings";
import { excludeAnnotatorInput, reviewDecisionInput } from "@/lib/validation/reviews";

export const decideReview = defineAction({ input: reviewDecisionInput, role: "reviewer" }, (input, actor) => decide(actor, input));

export const setGoldAnswer = defineAction({ input: setGoldInput, role: "reviewer" }, (input, actor) => setGold(actor, input));

export const setAnnotatorExcluded = defineAction({ input: excludeAnnotatorInput, role: "reviewer" }, async (input, actor) => {
  const res = await setExcluded(actor, input);
  revalidatePath(`/review/${input.projectSlug}/annotators`);
  return res;
});

/** A model source or version drafts tasks from seeds in a `seed-drafts` job; the form polls seedDraftsStatus for the outcome. */
export const startSeedDrafts = defineAction({ input: draftFromSeedsInput, role: "reviewer" }, (input, actor) => queueSeedDrafts(actor, input));

export const seedDraftsStatus = defineAction({ input: seedDraftsJobRef, role: "reviewer" }, (input, actor) => getSeedDraftsStatus(actor, input));
