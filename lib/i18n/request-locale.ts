// Which language this request is shown in: the person's saved one, else the language cookie, else Accept-Language, else en.
import "server-only";
import { cookies, headers } from "next/headers";
import { cache } from "react";
import { getSessionActor } from "@/lib/auth/session";
import { defaultLocale, isLocale, negotiateLocale, type Locale } from "./locales";
import { savedLocale } from "./user-locale";

/** Set with the person's choice, so the sign-in page after signing out stays in it; the saved setting wins once signed in. */
export const LOCALE_COOKIE = "tuneloop-locale";

export const requestLocale = cache(async (): Promise<Locale> => {
  const actor = await getSessionActor().catch(() => null);
  if (actor) {
    const saved = await savedLocale(actor.id);
    if (saved) return saved;
  }
  const cookie = (await cookies()).get(LOCALE_COOKIE)?.value;
  if (isLocale(cookie)) return cookie;
  return negotiateLocale((await headers()).get("accept-language")) ?? defaultLocale;
});
