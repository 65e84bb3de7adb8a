"use server";
// Making a snapshot from the Data page.
import { revalidatePath } from "next/cache";
import { z } from "zod";
import { defineAction } from "@/lib/actions";
import { createExport } from "@/lib/exports/snapshot";
import { exportOptionsInput } from "@/lib/validation/exports";

export const createSnapshot = defineAction({ input: z.object({ projectSlug: z.string().min(1).max(64), options: exportOptionsInput }).strict(), role: "admin" }, async (input, actor) => {
  const snap = await createExport(actor, input);
  revalidatePath(`/data/${input.projectSlug}`);
  return { id: snap.id, counts: snap.counts };
});
