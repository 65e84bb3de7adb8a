"use server";
// Model actions (admin only): import a base model, pick a project's base, promote a version to active (audited, with a
// reason when the gate did not recommend it), queue generation, a comparison or a per-category evaluation.
import { revalidatePath } from "next/cache";
import { defineAction } from "@/lib/actions";
import { importBaseModel, setProjectBase } from "@/lib/runs/base-models";
import { promoteModelVersion, requestComparison, requestGeneration } from "@/lib/runs/runs";
import { promoteVersionInput, requestComparisonInput, requestGenerationInput } from "@/lib/validation/runs";
import { importBaseModelInput, setProjectBaseInput } from "@/lib/validation/runs-base-models";
import { requestCategoryEvaluation } from "@/lib/evaluation/evaluate-job";
import { requestCategoryEvaluationInput } from "@/lib/validation/evaluation";

export const promoteVersion = defineAction(
  { input: promoteVersionInput.required({ projectSlug: true }), role: "admin" },
  async ({ projectSlug, versionId, reason }, actor) => {
    const promoted = await promoteModelVersion(actor, { projectSlug, versionId, ...(reason?.trim() ? { reason: reason.trim() } : {}) });
    revalidatePath(`/models/${projectSlug}`);
    return promoted;
  },
);

export const generateOutputs = defineAction({ input: requestGenerationInput, role: "admin" }, (input, actor) => requestGeneration(actor, input));

export const compareVersion = defineAction(
  { input: requestComparisonInput, role: "admin" },
  async (input, actor) => {
    const queued = await requestComparison(actor, input);
    revalidatePath(`/models/${input.projectSlug}`);
    return queued;
  },
);

/** Held-out loss per category for a version without it (the Evaluation page's button). */
export const evaluateVersionByCategory = defineAction({ input: requestCategoryEvaluationInput, role: "admin" }, (input, actor) => requestCategoryEvaluation(actor, input));

export const importModel = defineAction({ input: importBaseModelInput, role: "admin" }, async (input, actor) => {
  const model = await importBaseModel(actor, input);
  revalidatePath("/models");
  return model;
});

export const pickProjectBase = defineAction({ input: setProjectBaseInput, role: "admin" }, async (input, actor) => {
  const model = await setProjectBase(actor, input);
  revalidatePath(`/training/${input.projectSlug}`);
  return model;
});
