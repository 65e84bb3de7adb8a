// The annotator's reward-model line (#19): the server's order over the prompt's scored outputs, in the letters of the
// outputs this annotator was shown; and the line as each catalog words it.
import { describe, expect, it } from "vitest";
import { createElement } from "react";
import { renderToStaticMarkup } from "react-dom/server";
import { NextIntlClientProvider } from "next-intl";
import { SuggestionLine, shownSuggestion } from "@/app/(annotate)/annotate/[slug]/rank/suggestion-line";
import en from "@/messages/en.json";
import es from "@/messages/es.json";
import ar from "@/messages/ar.json";

const outputs = [
  { id: "c1", text: "one", label: "A" },
  { id: "c2", text: "two", label: "B" },
  { id: "c3", text: "three", label: "C" },
];

describe("shownSuggestion", () => {
  it("names the shown outputs by their letters, best first, with the margin", () => {
    expect(shownSuggestion({ label: "v3", order: ["c3", "c1", "c2"], margin: 0.25 }, outputs)).toEqual({ label: "v3", order: "C > A > B", margin: 0.25 });
  });
  it("leaves out outputs this annotator was not shown, and the margin unless the top two were both shown", () => {
    expect(shownSuggestion({ label: "v3", order: ["c3", "x9", "c1"], margin: 0.5 }, outputs)).toEqual({ label: "v3", order: "C > A", margin: null });
    expect(shownSuggestion({ label: "v3", order: ["c2", "c1", "x9"], margin: 0.5 }, outputs)).toEqual({ label: "v3", order: "B > A", margin: 0.5 });
  });
  it("is nothing without a suggestion or with fewer than two shown outputs scored", () => {
    expect(shownSuggestion(null, outputs)).toBeNull();
    expect(shownSuggestion(undefined, outputs)).toBeNull();
    expect(shownSuggestion({ label: "v3", order: ["c1", "x9"], margin: 0.5 }, outputs)).toBeNull();
  });
});

const render = (locale: string, messages: typeof en, context: "saved" | "revise", margin: number | null = 0.5) =>
  renderToStaticMarkup(
    createElement(NextIntlClientProvider, {
      locale,
      messages,
      timeZone: "UTC",
      children: createElement(SuggestionLine, { suggestion: { label: "v2", order: "B > A", margin }, context }),
    }),
  );
const text = (html: string) => html.replace(/<[^>]+>/g, "").replace(/&#x27;/g, "'").replace(/&gt;/g, ">");

describe("SuggestionLine", () => {
  it("says which ranking it is about after a submit, and is announced there", () => {
    const html = render("en", en, "saved");
    expect(text(html)).toBe("For the ranking you just saved, the reward model's order: B > A, margin 0.50");
    expect(html).toContain('role="status"');
    expect(html).toContain('title="Reward model v2, shown once your ranking is saved"');
    expect(html).toMatch(/<bdi dir="ltr" data-testid="rank-suggestion-order"[^>]*>B &gt; A<\/bdi>/);
  });
  it("is the plain order on the revise screen; a margin it cannot know is a dash", () => {
    const html = render("en", en, "revise", null);
    expect(text(html)).toBe("The reward model's order: B > A, margin —");
    expect(html).not.toContain('role="status"');
  });
  it("reads in Spanish and Arabic with the order kept left to right", () => {
    expect(text(render("es", es, "saved"))).toBe("Para la clasificación que acabas de guardar, el orden del modelo de recompensa: B > A, margen 0,50");
    const arHtml = render("ar", ar, "revise");
    expect(text(arHtml)).toMatch(/^ترتيب نموذج المكافأة: B > A، الهامش /);
    expect(arHtml).toContain('dir="ltr"');
  });
});
