// Accept-Language negotiation and each locale's direction and digits.
import { describe, expect, it } from "vitest";
import { baseLocale, intlLocale, localeDirection, negotiateLocale } from "@/lib/i18n/locales";

describe("negotiateLocale", () => {
  it.each([
    ["es-MX,es;q=0.9,en;q=0.8", "es"],
    ["ar-EG", "ar"],
    ["fr-FR,fr;q=0.9,en-US;q=0.8,ar;q=0.7", "en"],
    ["de;q=1, ar;q=0.5, es;q=0.6", "es"],
    ["EN-gb", "en"],
    ["es;q=0, ar", "ar"],
    ["fr, de", null],
    ["*", null],
    ["", null],
    [null, null],
    ["es;q=abc, ar;q=0.1", "ar"],
  ])("%s → %s", (header, expected) => {
    expect(negotiateLocale(header)).toBe(expected);
  });
});

describe("how each locale is written", () => {
  it("Arabic is right to left, the others left to right", () => {
    expect(localeDirection("ar")).toBe("rtl");
    expect(localeDirection("es")).toBe("ltr");
    expect(localeDirection("en")).toBe("ltr");
  });

  it("Arabic numbers use Arabic-Indic digits; Spanish a decimal comma", () => {
    expect(new Intl.NumberFormat(intlLocale("ar")).format(1234.5)).toBe("١٬٢٣٤٫٥");
    expect(new Intl.NumberFormat(intlLocale("es")).format(1234.5)).toBe("1234,5");
    expect(new Intl.NumberFormat(intlLocale("en")).format(1234.5)).toBe("1,234.5");
  });

  it("the Intl tag maps back to the UI locale", () => {
    for (const l of ["en", "es", "ar"] as const) expect(baseLocale(intlLocale(l))).toBe(l);
    expect(baseLocale("fr")).toBe("en");
  });
});
