"use server";
// Webhooks on the project's admin page: add, remove, enable again, redeliver. Each checks the admin role itself.
import { revalidatePath } from "next/cache";
import { defineAction } from "@/lib/actions";
import { addWebhookInput, redeliverInput, webhookRefInput } from "@/lib/validation/webhooks";
import { addWebhook, enableWebhook, redeliver, removeWebhook } from "@/lib/webhooks/webhooks";

export const addWebhookAction = defineAction({ input: addWebhookInput, role: "admin" }, async (input, actor) => {
  const hook = await addWebhook(actor, input);
  revalidatePath(`/admin/projects/${input.projectSlug}`);
  return hook;
});

export const removeWebhookAction = defineAction({ input: webhookRefInput, role: "admin" }, async (input, actor) => {
  const removed = await removeWebhook(actor, input);
  revalidatePath(`/admin/projects/${input.projectSlug}`);
  return removed;
});

export const enableWebhookAction = defineAction({ input: webhookRefInput, role: "admin" }, async (input, actor) => {
  const hook = await enableWebhook(actor, input);
  revalidatePath(`/admin/projects/${input.projectSlug}`);
  return hook;
});

export const redeliverAction = defineAction({ input: redeliverInput, role: "admin" }, async (input, actor) => {
  const delivery = await redeliver(actor, input);
  revalidatePath(`/admin/projects/${input.projectSlug}`);
  return delivery;
});
