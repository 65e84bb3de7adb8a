// next-intl without i18n routing (no locale in the URL): each request's locale and its catalog (messages/<locale>.json).
import { getRequestConfig } from "next-intl/server";
import { intlLocale, type Locale } from "@/lib/i18n/locales";
import { requestLocale } from "@/lib/i18n/request-locale";

const catalogs: Record<Locale, () => Promise<{ default: Record<string, unknown> }>> = {
  en: () => import("../messages/en.json"),
  es: () => import("../messages/es.json"),
  ar: () => import("../messages/ar.json"),
};

export default getRequestConfig(async () => {
  const locale = await requestLocale();
  return {
    locale: intlLocale(locale),
    messages: (await catalogs[locale]()).default,
    // Times are shown in UTC, as the pages did before; one zone on server and client keeps hydration identical.
    timeZone: "UTC",
  };
});
