// The UI catalogs (messages/*.json) agree: the same keys in every language, no empty text, the same ICU placeholders.
import fs from "node:fs";
import path from "node:path";
import { parse, TYPE, type MessageFormatElement } from "@formatjs/icu-messageformat-parser";
import { describe, expect, it } from "vitest";
import { locales } from "@/lib/i18n/locales";

const dir = path.resolve(import.meta.dirname, "../../../messages");
const load = (locale: string) => JSON.parse(fs.readFileSync(path.join(dir, `${locale}.json`), "utf8")) as Record<string, unknown>;

/** Every leaf as "a.b.c" → text; a leaf that is not a string is reported as such. */
function flatten(obj: Record<string, unknown>, prefix = ""): Map<string, unknown> {
  const out = new Map<string, unknown>();
  for (const [k, v] of Object.entries(obj)) {
    const key = prefix ? `${prefix}.${k}` : k;
    if (v && typeof v === "object" && !Array.isArray(v)) for (const [kk, vv] of flatten(v as Record<string, unknown>, key)) out.set(kk, vv);
    else out.set(key, v);
  }
  return out;
}

const typeName: Partial<Record<TYPE, string>> = { [TYPE.argument]: "text", [TYPE.number]: "number", [TYPE.date]: "date", [TYPE.time]: "time", [TYPE.select]: "select", [TYPE.plural]: "plural", [TYPE.tag]: "tag" };

/** The placeholders of a message as sorted "name:type" (a plural's or select's branches searched too). */
function placeholders(message: string): string[] {
  const found = new Set<string>();
  const walk = (els: MessageFormatElement[]) => {
    for (const el of els) {
      const type = typeName[el.type];
      if (type && "value" in el) found.add(`${el.value}:${type}`);
      if (el.type === TYPE.select || el.type === TYPE.plural) for (const opt of Object.values(el.options)) walk(opt.value);
      if (el.type === TYPE.tag) walk(el.children);
    }
  };
  walk(parse(message));
  return [...found].sort();
}

const catalogs = Object.fromEntries(locales.map((l) => [l, flatten(load(l))]));
const english = catalogs.en;

describe("UI catalogs", () => {
  it("English has messages", () => {
    expect(english.size).toBeGreaterThan(100);
  });

  it.each(locales.filter((l) => l !== "en"))("%s has exactly the English keys", (locale) => {
    const keys = [...catalogs[locale].keys()].sort();
    expect(keys).toEqual([...english.keys()].sort());
  });

  it.each(locales)("%s: every message is non-empty text that parses as ICU", (locale) => {
    for (const [key, value] of catalogs[locale]) {
      expect(typeof value, `${locale} ${key}`).toBe("string");
      expect((value as string).trim(), `${locale} ${key}`).not.toBe("");
      expect(() => parse(value as string), `${locale} ${key}`).not.toThrow();
    }
  });

  it.each(locales.filter((l) => l !== "en"))("%s uses the same placeholders as English in every message", (locale) => {
    for (const [key, value] of english) {
      const other = catalogs[locale].get(key);
      if (typeof other !== "string") continue;
      expect(placeholders(other), `${locale} ${key}`).toEqual(placeholders(value as string));
    }
  });

  it("a translation is not left in English where the English is a sentence", () => {
    // Short labels (symbols, "Markdown", unit abbreviations) may coincide; a copied sentence means a missing translation.
    for (const locale of locales.filter((l) => l !== "en")) {
      const copied = [...english].filter(([key, v]) => typeof v === "string" && v.split(" ").length > 3 && catalogs[locale].get(key) === v).map(([k]) => k);
      expect(copied, locale).toEqual([]);
    }
  });
});
