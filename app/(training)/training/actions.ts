"use server";
// Training actions: start a run, cancel one, set the retrain schedule (admin only).
import { revalidatePath } from "next/cache";
import { z } from "zod";
import { defineAction } from "@/lib/actions";
import { cancelRun as cancel, createRun } from "@/lib/runs/runs";
import { setRetrainSchedule } from "@/lib/runs/schedule";
import { createRunInput, retrainScheduleInput } from "@/lib/validation/runs";

export const startRun = defineAction({ input: createRunInput, role: "admin" }, async (input, actor) => {
  const run = await createRun(actor, input);
  revalidatePath(`/training/${input.projectSlug}`);
  return run;
});

export const cancelRun = defineAction({ input: z.object({ id: z.string().min(1).max(64) }).strict(), role: "admin" }, async ({ id }, actor) => {
  const run = await cancel(actor, id);
  revalidatePath(`/training/runs/${id}`);
  return { id: run.id, status: run.status, cancelRequested: run.cancelRequested };
});

export const saveSchedule = defineAction({ input: retrainScheduleInput, role: "admin" }, async (input, actor) => {
  const schedule = await setRetrainSchedule(actor, input);
  revalidatePath(`/training/${input.projectSlug}`);
  return schedule;
});
