"use server";
// Model sources on the project's admin page: add, test, remove, collect outputs. Each checks the admin role itself.
import { revalidatePath } from "next/cache";
import { defineAction } from "@/lib/actions";
import { startCollect } from "@/lib/sources/collect";
import { addSource, removeSource, testSource } from "@/lib/sources/sources";
import { addSourceInput, collectInput, sourceRefInput } from "@/lib/validation/sources";

export const addSourceAction = defineAction({ input: addSourceInput, role: "admin" }, async (input, actor) => {
  const source = await addSource(actor, input);
  revalidatePath(`/admin/projects/${input.projectSlug}`);
  return source;
});

export const testSourceAction = defineAction({ input: sourceRefInput, role: "admin" }, (input, actor) => testSource(actor, input));

export const removeSourceAction = defineAction({ input: sourceRefInput, role: "admin" }, async (input, actor) => {
  const removed = await removeSource(actor, input);
  revalidatePath(`/admin/projects/${input.projectSlug}`);
  return removed;
});

export const collectAction = defineAction({ input: collectInput, role: "admin" }, async (input, actor) => {
  const run = await startCollect(actor, input);
  revalidatePath(`/admin/projects/${input.projectSlug}`);
  return run;
});
