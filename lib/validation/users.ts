// zod inputs for accounts: first-run setup, sign-in, invites, roles, CLI user add.
import { z } from "zod";
import { locales } from "@/lib/i18n/locales";

export const roleInput = z.enum(["annotator", "reviewer", "admin"], { message: "Role must be annotator, reviewer or admin" });
const email = z.string().trim().toLowerCase().pipe(z.email({ message: "Enter a valid email address" }).max(254));
const name = z.string().trim().min(1, "Name is required").max(100, "Name is at most 100 characters");
export const passwordInput = z
  .string()
  .min(10, "Password must be at least 10 characters")
  .max(256, "Password is at most 256 characters");

export const setupAdminInput = z.object({ email, name, password: passwordInput }).strict();
export type SetupAdminInput = z.infer<typeof setupAdminInput>;

export const signInInput = z.object({ email, password: z.string().min(1, "Password is required").max(256) });
export type SignInInput = z.infer<typeof signInInput>;

export const inviteUserInput = z.object({ email, role: roleInput }).strict();
export type InviteUserInput = z.infer<typeof inviteUserInput>;

export const revokeInviteInput = z.object({ inviteId: z.uuid({ message: "Unknown invite" }) }).strict();
export type RevokeInviteInput = z.infer<typeof revokeInviteInput>;

export const acceptInviteInput = z.object({ token: z.string().min(20).max(200), name, password: passwordInput }).strict();
export type AcceptInviteInput = z.infer<typeof acceptInviteInput>;

export const changeRoleInput = z.object({ userId: z.uuid({ message: "Unknown user" }), role: roleInput }).strict();
export type ChangeRoleInput = z.infer<typeof changeRoleInput>;

export const setUserDisabledInput = z.object({ userId: z.uuid({ message: "Unknown user" }), disabled: z.boolean() }).strict();
export type SetUserDisabledInput = z.infer<typeof setUserDisabledInput>;

export const addUserInput = z.object({ email, name: name.optional(), role: roleInput, password: passwordInput }).strict();
export type AddUserInput = z.infer<typeof addUserInput>;

export const createApiTokenInput = z.object({ name: z.string().trim().min(1, "Name is required").max(100) }).strict();
export type CreateApiTokenInput = z.infer<typeof createApiTokenInput>;

/** A person's UI language (lib/i18n/locales.ts); null goes back to the browser's. */
export const setLocaleInput = z.object({ locale: z.enum(locales, { message: "Language must be en, es or ar" }).nullable() }).strict();
export type SetLocaleInput = z.infer<typeof setLocaleInput>;
