"use server";
// Accepting an invite: the invitee sets a name and password.
import { defineAction } from "@/lib/actions";
import { acceptInvite as accept } from "@/lib/auth/accounts";
import { acceptInviteInput } from "@/lib/validation/users";

export const acceptInvite = defineAction({ input: acceptInviteInput, role: "public" }, async (input) => {
  const user = await accept(input);
  return { email: user.email };
});
