// After sign-in only same-origin paths are followed: known open-redirect payloads, each checked the way a browser resolves it.
import { describe, expect, it } from "vitest";
import { loginUrl, safeCallbackPath } from "@/lib/auth/callback";

const site = "http://127.0.0.1:3000";
// The reference: where a browser on our site would land if it followed the value as a relative URL (WHATWG URL parser).
const landsOnSite = (v: string) => {
  try {
    return new URL(v, `${site}/login`).origin === site;
  } catch {
    return false;
  }
};

// Payloads from open-redirect cheat sheets (PayloadsAllTheThings, OWASP): every one leaves the site or is not a plain path.
const hostile = [
  "https://evil.example/",
  "http://evil.example",
  "//evil.example",
  "//evil.example/%2f..",
  "///evil.example",
  "/\\evil.example",
  "\\\\evil.example",
  "/\\/evil.example",
  "https:evil.example",
  "javascript:alert(1)",
  "JaVaScRiPt:alert(1)",
  "data:text/html,<script>alert(1)</script>",
  "/\t/evil.example",
  "/\n/evil.example",
  " //evil.example",
  "\u0000//evil.example",
  "evil.example",
  "@evil.example",
  "",
  "/" + "a".repeat(2001),
];

describe("safeCallbackPath", () => {
  it.each(hostile)("refuses %j", (v) => {
    expect(safeCallbackPath(v)).toBe("/");
  });

  it("a browser would leave the site (or not resolve) for most of them: the corpus is what it claims", () => {
    const leaving = hostile.filter((v) => !landsOnSite(v));
    expect(leaving.length).toBeGreaterThanOrEqual(12);
  });

  it.each(["/review/demo", "/review/demo?kind=ranking&author=x", "/training/runs/0d4c?tab=log#loss", "/annotate/demo/rank", "/models/%E2%9C%93"])("keeps the same-origin path %s", (v) => {
    expect(safeCallbackPath(v)).toBe(v);
    expect(landsOnSite(safeCallbackPath(v))).toBe(true);
  });

  it("normalizes dot segments the way the browser would, and stays on the site", () => {
    expect(safeCallbackPath("/a/../review/demo")).toBe("/review/demo");
    expect(safeCallbackPath("/%2e%2e/admin")).toBe("/admin");
  });

  it("never returns to the sign-in pages, and ignores what is not a string", () => {
    for (const v of ["/login", "/login?callbackUrl=/admin", "/setup", "/invite/abc", "/api/auth/signin"]) expect(safeCallbackPath(v)).toBe("/");
    for (const v of [undefined, null, 42, ["/admin"], { path: "/admin" }]) expect(safeCallbackPath(v)).toBe("/");
  });

  it("every value it returns lands on the site", () => {
    for (const v of [...hostile, "/x", "/x?y=//evil.example", "/%5cevil.example"]) expect(landsOnSite(safeCallbackPath(v)), v).toBe(true);
  });
});

describe("loginUrl", () => {
  it("carries the path back as callbackUrl, and drops it when it is home or unsafe", () => {
    expect(loginUrl("/review/demo?kind=prompt")).toBe("/login?callbackUrl=%2Freview%2Fdemo%3Fkind%3Dprompt");
    expect(loginUrl("/")).toBe("/login");
    expect(loginUrl(null)).toBe("/login");
    expect(loginUrl("//evil.example")).toBe("/login");
  });
});
