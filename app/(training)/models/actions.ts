"use server";
// Model actions: promote a version to active (admin only; audited, with a reason when the gate did not recommend it).
import { revalidatePath } from "next/cache";
import { z } from "zod";
import { defineAction } from "@/lib/actions";
import { promoteModelVersion, requestComparison, requestGeneration } from "@/lib/runs/runs";

export const promoteVersion = defineAction(
  { input: z.object({ projectSlug: z.string().min(1).max(64), versionId: z.string().min(1).max(64), reason: z.string().trim().max(500).optional() }).strict(), role: "admin" },
  async ({ projectSlug, versionId, reason }, actor) => {
    const promoted = await promoteModelVersion(actor!, { projectSlug, versionId, ...(reason ? { reason } : {}) });
    revalidatePath(`/models/${projectSlug}`);
    return promoted;
  },
);

export const generateOutputs = defineAction({ input: z.object({ projectSlug: z.string().min(1).max(64), limit: z.number().int().min(1).max(10_000).default(100) }).strict(), role: "admin" }, (input, actor) =>
  requestGeneration(actor!, input),
);

export const compareVersion = defineAction(
  { input: z.object({ projectSlug: z.string().min(1).max(64), versionId: z.string().min(1).max(64), limit: z.number().int().min(1).max(1000).optional() }).strict(), role: "admin" },
  async (input, actor) => {
    const queued = await requestComparison(actor!, input);
    revalidatePath(`/models/${input.projectSlug}`);
    return queued;
  },
);
