"use server";
// The language selector's action: saves the signed-in person's UI language and mirrors it in a cookie for the sign-in page.
import { cookies } from "next/headers";
import { defineAction } from "@/lib/actions";
import { LOCALE_COOKIE } from "@/lib/i18n/request-locale";
import { setMyLocale } from "@/lib/i18n/user-locale";
import { setLocaleInput } from "@/lib/validation/users";

export const setLocale = defineAction({ input: setLocaleInput, role: "annotator" }, async (input, actor) => {
  const saved = await setMyLocale(actor, input);
  const jar = await cookies();
  if (saved.locale) jar.set(LOCALE_COOKIE, saved.locale, { path: "/", sameSite: "lax", maxAge: 60 * 60 * 24 * 365 });
  else jar.delete(LOCALE_COOKIE);
  return saved;
});
