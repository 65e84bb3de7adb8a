"use server";
// Admin actions: invites (create, revoke), roles, disabling accounts, API tokens.
import { revalidatePath } from "next/cache";
import { z } from "zod";
import { defineAction } from "@/lib/actions";
import { changeRole as change, inviteUser as invite, revokeInvite as revoke, setUserDisabled as setDisabled } from "@/lib/auth/accounts";
import { createApiToken as createToken, revokeApiToken as revokeToken } from "@/lib/auth/tokens";
import { changeRoleInput, createApiTokenInput, inviteUserInput, revokeInviteInput, setUserDisabledInput } from "@/lib/validation/users";

export const inviteUser = defineAction({ input: inviteUserInput, role: "admin" }, async (input, actor) => {
  const res = await invite(actor, input);
  revalidatePath("/admin");
  return { path: res.path, expiresAt: res.expiresAt.toISOString(), replaced: res.replaced };
});

export const revokeInvite = defineAction({ input: revokeInviteInput, role: "admin" }, async (input, actor) => {
  const res = await revoke(actor, input);
  revalidatePath("/admin");
  return res;
});

export const changeRole = defineAction({ input: changeRoleInput, role: "admin" }, async (input, actor) => {
  const user = await change(actor, input);
  revalidatePath("/admin");
  return { id: user.id, role: user.role };
});

export const setUserDisabled = defineAction({ input: setUserDisabledInput, role: "admin" }, async (input, actor) => {
  const user = await setDisabled(actor, input);
  revalidatePath("/admin");
  return { id: user.id, disabled: Boolean(user.disabledAt) };
});

export const createApiToken = defineAction({ input: createApiTokenInput, role: "admin" }, async (input, actor) => {
  const token = await createToken(actor, input);
  revalidatePath("/admin");
  return token;
});

export const revokeApiToken = defineAction({ input: z.object({ id: z.uuid() }).strict(), role: "admin" }, async (input, actor) => {
  const res = await revokeToken(actor, input.id);
  revalidatePath("/admin");
  return res;
});
