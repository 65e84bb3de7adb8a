// Language codes for prompts and annotators (#19): ISO 639-1 where the language has one, else ISO 639-3, as BCP-47's
// primary language subtag does. Canonicalization is the runtime's (ICU/CLDR alias data): "spa" → "es", "arb" → "ar"
// (a macrolanguage member to its macrolanguage), "cmn" → "zh", "EN" → "en"; a region or script is dropped ("pt-BR" → "pt").
// A code is known when the runtime has a display name for it; "und" and unknown codes are refused.
import { z } from "zod";

const names = new Intl.DisplayNames(["en"], { type: "language", fallback: "none" });

/** The canonical code for `raw` (two or three letters, optionally with BCP-47 subtags), or null when it names no known language. */
export function canonicalLanguage(raw: string): string | null {
  const s = raw.trim();
  if (!/^[A-Za-z]{2,3}([-_][A-Za-z0-9]{1,8})*$/.test(s)) return null;
  let lang: string;
  try {
    lang = new Intl.Locale(Intl.getCanonicalLocales(s.replace(/_/g, "-"))[0]).language;
  } catch {
    return null;
  }
  if (lang === "und") return null;
  try {
    return names.of(lang) ? lang : null;
  } catch {
    return null;
  }
}

/** The language's English name ("es" → "Spanish"); the code itself when the runtime has none. */
export function languageName(code: string): string {
  try {
    return names.of(code) ?? code;
  } catch {
    return code;
  }
}

/** One language code in an input: canonicalized, or the field's message naming the code. */
export const languageCodeInput = z
  .string({ error: "Give a language code (ISO 639-1, e.g. en, es, ar)" })
  .max(35)
  .transform((raw, ctx) => {
    const code = canonicalLanguage(raw);
    if (!code) {
      ctx.addIssue({ code: "custom", message: `Unknown language code "${raw.slice(0, 35)}" (use ISO 639-1, e.g. en, es, ar)` });
      return z.NEVER;
    }
    return code;
  });

/** A person's languages: a list of codes, or one comma-separated string ("en, es"); empty = all. Deduplicated, in the order given. */
export const languageListInput = z
  .union([z.array(z.string()).max(50, "At most 50 languages"), z.string().max(500)])
  .transform((v) => (typeof v === "string" ? v.split(/[\s,]+/).filter(Boolean) : v))
  .pipe(z.array(languageCodeInput).max(50, "At most 50 languages"))
  .transform((codes) => [...new Set(codes)]);
