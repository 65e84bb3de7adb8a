// The review queue's question summaries, bidi warning and the copy button (#19) read from the catalogs: English word for
// word as the pages said it before the strings moved (the e2e specs match on it), Spanish and Arabic without English.
import { describe, expect, it } from "vitest";
import { createElement, type ReactNode } from "react";
import { renderToStaticMarkup } from "react-dom/server";
import { NextIntlClientProvider } from "next-intl";
import { QuestionsSummary } from "@/app/(review)/review/[slug]/questions-summary";
import { BidiWarning } from "@/app/(review)/review/[slug]/text-view";
import { CopyButton } from "@/app/_components/copy-button";
import type { QuestionConsensus } from "@/lib/consensus/questions";
import { intlLocale } from "@/lib/i18n/locales";
import en from "@/messages/en.json";
import es from "@/messages/es.json";
import ar from "@/messages/ar.json";

const catalogs = { en, es, ar };

const render = (locale: keyof typeof catalogs, children: ReactNode) =>
  renderToStaticMarkup(createElement(NextIntlClientProvider, { locale: intlLocale(locale), messages: catalogs[locale], timeZone: "UTC", children }));
/** The text a browser's textContent gives. */
const text = (html: string) => html.replace(/<[^>]+>/g, "").replace(/&#x27;/g, "'").replace(/&quot;/g, '"').replace(/&amp;/g, "&");

const labels = new Map([
  ["c1", "A"],
  ["c2", "B"],
]);
const questions: QuestionConsensus[] = [
  {
    id: "quality",
    type: "rating",
    byOutput: { c1: { helpful: { mean: 3.5, median: 3.5, n: 2 }, honest: { mean: 4, median: 4, n: 2 } }, c2: { helpful: { mean: 2, median: 2, n: 2 } } },
    overall: { c1: 3.75, c2: 2 },
    alpha: -0.25,
  },
  { id: "tone", type: "label", counts: { formal: 2, casual: 1, rude: 0 }, majority: ["formal"], n: 3, alpha: 0.4 },
  { id: "better", type: "pairwise", pairs: [{ a: "c1", b: "c2", margin: 1.2345, meanStrength: 0.5, n: 3 }], alpha: null },
  { id: "why", type: "text", texts: ["clear", "short"] },
  {
    id: "errors",
    type: "span",
    spans: [
      { completionId: "c1", start: 3, end: 10, label: "factual error", count: 1 },
      { completionId: "c2", start: 0, end: 4, label: "typo", count: 2 },
    ],
  },
];

/** Each question's line, by question id. */
function summaryLines(locale: keyof typeof catalogs): Record<string, string> {
  const html = render(locale, createElement(QuestionsSummary, { questions, labels }));
  return Object.fromEntries([...html.matchAll(/data-testid="question-consensus-(\w+)"[^>]*>(.*?)<\/div>/g)].map(([, id, inner]) => [id, text(inner)]));
}

const bidiTexts: Array<[string, string]> = [
  ["instruction", "pay \u202eBob\u202c now"],
  ["input", "plain"],
  ["output A", "x\u200fy\u200fz"],
];

describe("QuestionsSummary", () => {
  it("says in English exactly what the review page said before the catalogs", () => {
    // The former template literals, spelled out: "A: mean 3.75 (helpful 3.50/median 3.5, …)", "majority formal · formal 2, casual 1", …
    expect(summaryLines("en")).toEqual({
      quality: "quality α (interval) -0.25A: mean 3.75 (helpful 3.50/median 3.5, honest 4.00/median 4.0)B: mean 2.00 (helpful 2.00/median 2.0)",
      tone: "tone α (nominal) 0.40 · majority formal · formal 2, casual 1",
      better: "better α (interval) —A vs B: Bradley–Terry margin 1.23 (mean strength 0.50, 3)",
      why: "why “clear” · “short”",
      errors: "errors A 3–10 factual error ×1; B 0–4 typo ×2",
    });
  });

  // Lists are each language's (Intl.ListFormat, unit): English keeps the commas, Spanish joins the last two with "y".
  it("reads in Spanish and Arabic, numbers in each language's digits", () => {
    const esLines = summaryLines("es");
    expect(esLines.quality).toBe("quality α (intervalo) -0,25A: media 3,75 (helpful 3,50/mediana 3,5 y honest 4,00/mediana 4,0)B: media 2,00 (helpful 2,00/mediana 2,0)");
    expect(esLines.better).toBe("better α (intervalo) —A frente a B: margen de Bradley–Terry 1,23 (fuerza media 0,50, 3)");
    expect(esLines.why).toBe("why «clear» · «short»");
    const arLines = summaryLines("ar");
    expect(arLines.quality).toContain("المتوسط ٣٫٧٥");
    expect(arLines.errors).toBe("errors A ٣–١٠ factual error ×١؛ B ٠–٤ typo ×٢");
    for (const line of Object.values(arLines)) expect(line).not.toMatch(/\b(mean|median|majority|vs|interval|nominal)\b/);
  });
});

describe("BidiWarning", () => {
  it("says in English exactly what the queue card said before the catalogs", () => {
    expect(text(render("en", createElement(BidiWarning, { texts: bidiTexts })))).toBe(
      "Hidden direction controls in the instruction (U+202C pop directional formatting, U+202E right-to-left override); the output A (U+200F right-to-left mark ×2). The text may read differently from the characters stored: check it in the raw view.",
    );
  });

  it("names the texts and the controls in Spanish and Arabic", () => {
    expect(text(render("es", createElement(BidiWarning, { texts: bidiTexts })))).toBe(
      "Controles de dirección ocultos en la instrucción (U+202C fin de formato direccional y U+202E anulación de derecha a izquierda); la respuesta A (U+200F marca de derecha a izquierda ×2). El texto puede leerse de forma distinta a los caracteres guardados: revísalo en la vista de texto sin formato.",
    );
    const arText = text(render("ar", createElement(BidiWarning, { texts: bidiTexts })));
    expect(arText).toContain("التعليمة (U+202C إنهاء التنسيق الاتجاهي وU+202E تجاوز من اليمين إلى اليسار)؛ المُخرَج A (U+200F علامة من اليمين إلى اليسار ×٢)");
    expect(arText).not.toMatch(/[a-z]{3,}/);
  });

  it("names a screened output with its model, and shows a label it does not know as it is", () => {
    const texts: Array<[string, string]> = [
      ["output 2 (gpt-x)", "a\u2066b\u2069"],
      ["toString", "\u200e"],
    ];
    expect(text(render("en", createElement(BidiWarning, { texts })))).toMatch(/^Hidden direction controls in the output 2 \(gpt-x\) \(U\+2066 left-to-right isolate, U\+2069 pop directional isolate\); toString \(U\+200E left-to-right mark\)\./);
  });

  it("is nothing when no text holds a control", () => {
    expect(render("en", createElement(BidiWarning, { texts: [["instruction", "plain"]] }))).toBe("");
  });
});

describe("CopyButton", () => {
  it("is labelled Copy unless told otherwise, in each language", () => {
    expect(text(render("en", createElement(CopyButton, { value: "x" })))).toBe("Copy");
    expect(text(render("es", createElement(CopyButton, { value: "x" })))).toBe("Copiar");
    expect(text(render("ar", createElement(CopyButton, { value: "x" })))).toBe("نسخ");
    expect(text(render("en", createElement(CopyButton, { value: "x", label: "Copy token" })))).toBe("Copy token");
  });
});
