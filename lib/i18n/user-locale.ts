// A person's UI language: read for each request (i18n/request.ts) and saved from the language selector.
import "server-only";
import { getDb } from "@/db/client";
import { getUserLocale, updateUserLocale } from "@/db/queries/users";
import type { Actor } from "@/lib/auth/roles";
import { AppError } from "@/lib/errors";
import type { SetLocaleInput } from "@/lib/validation/users";
import { isLocale, type Locale } from "./locales";

/** The language this person saved, or null (none saved, or a value this build no longer has). */
export async function savedLocale(userId: string): Promise<Locale | null> {
  const value = await getUserLocale(getDb(), userId);
  return isLocale(value) ? value : null;
}

/** Saves the signed-in person's own language (null: follow the browser again). Only one's own row; any role may. */
export async function setMyLocale(actor: Actor, input: SetLocaleInput): Promise<{ locale: Locale | null }> {
  const row = await getDb().transaction((tx) => updateUserLocale(tx, actor.id, input.locale));
  if (!row) throw new AppError("not_found:user", "Your account no longer exists.");
  return { locale: isLocale(row.locale) ? row.locale : null };
}
