// The root layout: Tailwind, dark mode, and the navigation for whoever is signed in.
import type { Metadata } from "next";
import { getTranslations } from "next-intl/server";
import { localeDirection } from "@/lib/i18n/locales";
import { requestLocale } from "@/lib/i18n/request-locale";
import "./globals.css";
import { IntlScope } from "./_components/intl-scope";
import { Nav } from "./_components/nav";

export const metadata: Metadata = { title: "Tuneloop", description: "Human feedback for instruction tuning" };
// Every page depends on who is signed in and on live data.
export const dynamic = "force-dynamic";

// Applied before paint so a dark-mode user never sees a white flash.
const themeScript = `try{var t=localStorage.getItem("theme");if(t==="dark"||(!t&&matchMedia("(prefers-color-scheme: dark)").matches))document.documentElement.classList.add("dark")}catch(e){}`;

export default async function RootLayout({ children }: { children: React.ReactNode }) {
  const locale = await requestLocale();
  const t = await getTranslations("nav");
  return (
    <html lang={locale} dir={localeDirection(locale)} suppressHydrationWarning>
      <head>
        <script dangerouslySetInnerHTML={{ __html: themeScript }} />
      </head>
      <body className="min-h-screen bg-slate-50 text-slate-900 antialiased dark:bg-slate-950 dark:text-slate-100">
        <IntlScope>
          <a href="#main" className="sr-only focus:not-sr-only focus:absolute focus:start-2 focus:top-2 focus:rounded focus:bg-white focus:px-3 focus:py-1 dark:focus:bg-slate-800">
            {t("skipToContent")}
          </a>
          <Nav />
          <main id="main" className="mx-auto max-w-6xl px-4 py-8">
            {children}
          </main>
        </IntlScope>
      </body>
    </html>
  );
}
