// The next-intl provider for one area of the app: only the namespaces lib/i18n/client-namespaces names reach the browser.
import { NextIntlClientProvider } from "next-intl";
import { getMessages } from "next-intl/server";
import { areaNamespaces, commonNamespaces, pickMessages, type Area } from "@/lib/i18n/client-namespaces";

/** The common namespaces, and an area's own when `area` is given (the root layout gives none). */
export async function IntlScope({ area, children }: { area?: Area; children: React.ReactNode }) {
  const messages = pickMessages(await getMessages(), [...commonNamespaces, ...(area ? areaNamespaces[area] : [])]);
  return <NextIntlClientProvider messages={messages}>{children}</NextIntlClientProvider>;
}
