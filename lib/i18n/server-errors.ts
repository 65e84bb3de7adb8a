// Error texts made on the server (zod messages, AppErrors) in the reader's language: an English message is matched
// against messages/en.json's serverErrors templates, and the same key's template in es.json or ar.json is filled with
// what the placeholders captured. A message no template matches stays English.
import ar from "@/messages/ar.json";
import en from "@/messages/en.json";
import es from "@/messages/es.json";
import type { FieldErrors } from "@/lib/errors";
import { intlLocale, type Locale } from "./locales";

/** A template as text and holes: {name} captures any text, {name, number} a number as English writes it (20,000 or 0.5). */
export type TemplatePart = string | { name: string; number: boolean };

/**
 * The ICU subset these catalogs use, read as @formatjs/icu-messageformat-parser reads it: '' is one apostrophe, an
 * apostrophe before { } < > quotes up to the next lone apostrophe, any other apostrophe is text. Throws on anything else
 * ({n, plural, …}): an English template must stay a pattern a message can be matched against.
 */
export function parseTemplate(message: string): TemplatePart[] {
  const parts: TemplatePart[] = [];
  let text = "";
  for (let i = 0; i < message.length; i++) {
    const c = message[i];
    if (c === "'") {
      const next = message[i + 1];
      if (next === "'") {
        text += "'";
        i++;
      } else if (next !== undefined && "{}<>".includes(next)) {
        let j = i + 1;
        for (; j < message.length; j++) {
          if (message[j] !== "'") text += message[j];
          else if (message[j + 1] === "'") {
            text += "'";
            j++;
          } else break;
        }
        i = j;
      } else text += c;
    } else if (c === "{") {
      const end = message.indexOf("}", i);
      const [name, type, ...rest] = (end < 0 ? "" : message.slice(i + 1, end)).split(",").map((s) => s.trim());
      if (!/^\w+$/.test(name ?? "") || rest.length || (type !== undefined && type !== "number")) throw new Error(`Unsupported placeholder in server error template: ${message}`);
      if (text) parts.push(text);
      text = "";
      parts.push({ name, number: type === "number" });
      i = end;
    } else if (c === "}") throw new Error(`Unbalanced } in server error template: ${message}`);
    else text += c;
  }
  if (text) parts.push(text);
  return parts;
}

type Catalog = Record<string, Record<string, string>>;
const translated = { es: es.serverErrors, ar: ar.serverErrors } satisfies Record<Exclude<Locale, "en">, Catalog>;

/** "group.key" → text, for every serverErrors entry of a catalog. */
function flatten(catalog: Catalog): Map<string, string> {
  return new Map(Object.entries(catalog).flatMap(([group, entries]) => Object.entries(entries).map(([key, text]) => [`${group}.${key}`, text] as const)));
}

const escapeRegex = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
/** How English writes a number we interpolate: 5000, 20,000 (toLocaleString("en-US")), -10, 0.667. */
const numberPattern = String.raw`(-?\d{1,3}(?:,\d{3})+(?:\.\d+)?|-?\d+(?:\.\d+)?)`;

type Compiled = { key: string; regex: RegExp; holes: { name: string; number: boolean }[]; literalLength: number };

/** English templates compiled once: those without holes by their exact text, the rest most literal text first (most specific wins). */
const english = (() => {
  const exact = new Map<string, string>();
  const patterns: Compiled[] = [];
  for (const [key, template] of flatten(en.serverErrors)) {
    const parts = parseTemplate(template);
    const holes = parts.filter((p): p is { name: string; number: boolean } => typeof p !== "string");
    if (!holes.length) {
      exact.set(parts.filter((p) => typeof p === "string").join(""), key);
      continue;
    }
    const source = parts.map((p) => (typeof p === "string" ? escapeRegex(p) : p.number ? numberPattern : "([\\s\\S]*?)")).join("");
    const literalLength = parts.reduce((n, p) => n + (typeof p === "string" ? p.length : 0), 0);
    patterns.push({ key, regex: new RegExp(`^${source}$`), holes, literalLength });
  }
  patterns.sort((a, b) => b.literalLength - a.literalLength);
  return { exact, patterns };
})();

const targets = Object.fromEntries(
  Object.entries(translated).map(([locale, catalog]) => [locale, new Map([...flatten(catalog)].map(([key, text]) => [key, parseTemplate(text)]))]),
) as Record<Exclude<Locale, "en">, Map<string, TemplatePart[]>>;

/** The template an English message was made from, and what its placeholders hold; null when none matches. */
export function matchServerError(message: string): { key: string; values: Record<string, string> } | null {
  const exact = english.exact.get(message);
  if (exact) return { key: exact, values: {} };
  for (const { key, regex, holes } of english.patterns) {
    const m = regex.exec(message);
    if (m) return { key, values: Object.fromEntries(holes.map((h, i) => [h.name, m[i + 1]])) };
  }
  return null;
}

/** Placeholders that hold one of our own field labels ("Temperature", `Template "x"`), translated in turn; others (a slug, the person's text) are kept. */
const labelHoles = new Set(["label", "what", "why", "reason"]);

const numberFormats = new Map<Locale, Intl.NumberFormat>();
function formatNumber(raw: string, locale: Locale): string {
  const n = Number(raw.replaceAll(",", ""));
  if (!Number.isFinite(n)) return raw;
  let format = numberFormats.get(locale);
  if (!format) numberFormats.set(locale, (format = new Intl.NumberFormat(intlLocale(locale), { maximumFractionDigits: 6 })));
  return format.format(n);
}

/** An English server message in `locale`; unchanged for English, or where no template matches. */
export function translateServerError(message: string, locale: Locale, depth = 0): string {
  if (locale === "en") return message;
  const match = matchServerError(message);
  const target = match && targets[locale].get(match.key);
  if (!match || !target) return message;
  let out = "";
  for (const part of target) {
    if (typeof part === "string") out += part;
    else {
      const raw = match.values[part.name];
      if (raw === undefined) return message;
      out += part.number ? formatNumber(raw, locale) : labelHoles.has(part.name) && depth < 2 ? translateServerError(raw, locale, depth + 1) : raw;
    }
  }
  return out;
}

/** Every message of a field → messages map in `locale`. */
export function translateFieldErrors(fieldErrors: FieldErrors, locale: Locale): FieldErrors {
  return Object.fromEntries(Object.entries(fieldErrors).map(([field, messages]) => [field, messages.map((m) => translateServerError(m, locale))]));
}
