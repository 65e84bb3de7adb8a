// Markdown as annotators see it: GitHub tables render, and the sanitizer still strips what it stripped before.
import { describe, expect, it } from "vitest";
import { createElement } from "react";
import { renderToStaticMarkup } from "react-dom/server";
import { Markdown } from "@/app/_components/markdown";

const html = (md: string) => renderToStaticMarkup(createElement(Markdown, { children: md }));

describe("Markdown", () => {
  it("renders a GitHub table as a table", () => {
    const out = html("| Tone | Use |\n| --- | :-: |\n| formal | letters |\n| casual | chat |");
    expect(out).toContain("<table>");
    expect(out.match(/<th[ >]/g)).toHaveLength(2);
    expect(out.match(/<td[ >]/g)).toHaveLength(4);
    expect(out).toContain("letters");
    expect(out).not.toContain("| --- |");
  });

  it("keeps scripts, handlers and javascript: links out of tables too", () => {
    const out = html('| a |\n| - |\n| <script>alert(1)</script><img src=x onerror="alert(2)"> [x](javascript:alert(3)) |');
    expect(out).toContain("<table>");
    expect(out).not.toMatch(/<script|onerror|javascript:/i);
  });
});
