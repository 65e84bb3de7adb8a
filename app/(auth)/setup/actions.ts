"use server";
// First-run setup: creates the first admin; refuses once any user exists.
import { defineAction } from "@/lib/actions";
import { createFirstAdmin } from "@/lib/auth/accounts";
import { setupAdminInput } from "@/lib/validation/users";

export const setupAdmin = defineAction({ input: setupAdminInput, role: "public" }, (input) => createFirstAdmin(input));
