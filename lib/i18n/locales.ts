// The UI languages: which exist, how a browser's Accept-Language picks one, and how each is written (direction, digits).

export const locales = ["en", "es", "ar"] as const;
export type Locale = (typeof locales)[number];
export const defaultLocale: Locale = "en";

/** Each language's name in itself, for the selector. */
export const localeNames: Record<Locale, string> = { en: "English", es: "Español", ar: "العربية" };

export function isLocale(value: unknown): value is Locale {
  return typeof value === "string" && (locales as readonly string[]).includes(value);
}

/** Arabic is written right to left; <html dir> follows the locale. */
export function localeDirection(locale: Locale): "ltr" | "rtl" {
  return locale === "ar" ? "rtl" : "ltr";
}

/**
 * The tag next-intl's formatters hand to Intl. Arabic names its digits: ICU 74+ (Node 24's 78, recent Chromium) gives
 * plain "ar" Latin digits, so "ar" alone would format 1234.5 exactly as English does; -u-nu-arab asks for Arabic-Indic
 * digits (١٬٢٣٤٫٥) on the server and in the browser alike, so hydration sees the same text.
 */
export function intlLocale(locale: Locale): string {
  return locale === "ar" ? "ar-u-nu-arab" : locale;
}

/** The UI locale of an Intl tag that intlLocale gave (useLocale() returns that tag). */
export function baseLocale(tag: string): Locale {
  const base = tag.split("-")[0].toLowerCase();
  return isLocale(base) ? base : defaultLocale;
}

/**
 * The best of our locales for an Accept-Language header (RFC 9110 §12.5.4): ranges by q-value, highest first (ties in
 * the order given), each matched on its primary subtag ("es-MX" → es); q=0 refuses; "*" or nothing we have → null.
 */
export function negotiateLocale(header: string | null | undefined): Locale | null {
  if (!header) return null;
  const ranges = header
    .split(",")
    .map((part, i) => {
      const [tag, ...params] = part.trim().split(";");
      const q = params.map((p) => p.trim()).find((p) => p.startsWith("q="));
      const weight = q ? Number(q.slice(2)) : 1;
      return { tag: tag.trim().toLowerCase(), weight: Number.isFinite(weight) ? weight : 0, i };
    })
    .filter((r) => r.tag && r.weight > 0)
    .sort((a, b) => b.weight - a.weight || a.i - b.i);
  for (const r of ranges) {
    const base = r.tag.split("-")[0];
    if (isLocale(base)) return base;
  }
  return null;
}
