// XSS payloads for prompts, outputs and guidelines, and the checks a rendered page must pass: no script ran, nothing fetched elsewhere, nothing executable in the markdown.
import type { BrowserContext, Page } from "playwright-core";

/** Where payloads try to send requests; any request that leaves the app's origin fails the test anyway. */
export const EVIL = "http://evil.example";

/**
 * Each payload would run `alert(n)` (a dialog) or set `window.__xss = n`, or fetch from EVIL,
 * if rendered as HTML. Raw HTML, markdown links and images, entity and case tricks, mXSS.
 */
export const xssPayloads: string[] = [
  "<script>alert(1);window.__xss=1</script>",
  '<img src=x onerror="alert(2);window.__xss=2">',
  `<img src="${EVIL}/3.png">`,
  '<svg onload="alert(4);window.__xss=4"><circle r="1"/></svg>',
  "<svg><script>alert(5)</script></svg>",
  `<iframe src="${EVIL}/6"></iframe>`,
  '<iframe srcdoc="<script>parent.alert(7)</script>"></iframe>',
  '<a href="javascript:alert(8)">click 8</a>',
  "[click 9](javascript:alert(9))",
  "[click 10](JaVaScRiPt:alert(10))",
  "[click 11](<javascript:alert(11)>)",
  "[click 12](java&#x09;script:alert(12))",
  "[data 13](data:text/html;base64,PHNjcmlwdD5hbGVydCgxMyk8L3NjcmlwdD4=)",
  "![svg 14](data:image/svg+xml;base64,PHN2ZyB4bWxucz0iaHR0cDovL3d3dy53My5vcmcvMjAwMC9zdmciIG9ubG9hZD0iYWxlcnQoMTQpIi8+)",
  `![pixel 15](${EVIL}/15.png)`,
  "![pixel 16](//evil.example/16.png)",
  `<div style="background:url(${EVIL}/17.png)">styled 17</div>`,
  '<div style="width: expression(alert(18))">expression 18</div>',
  `<style>body{background:url(${EVIL}/19.png)}</style>`,
  `<object data="${EVIL}/20.swf"></object>`,
  `<embed src="${EVIL}/21">`,
  "<body onload=alert(22)>",
  "<details open ontoggle=alert(23)><summary>toggle 23</summary></details>",
  "<input autofocus onfocus=alert(24)>",
  '<video><source onerror="alert(25)"></video>',
  `<link rel=stylesheet href=${EVIL}/26.css>`,
  `<meta http-equiv="refresh" content="0;url=${EVIL}/27">`,
  `<form action="${EVIL}/28"><button>go 28</button></form>`,
  "[ref 29][r29]\n\n[r29]: javascript:alert(29)",
  '<math><mi xlink:href="javascript:alert(30)">m30</mi></math>',
  '"><script>alert(31)</script>',
  "</textarea><script>alert(32)</script>",
  `<base href="${EVIL}/33/">`,
  '![x 34](x" onerror="alert(34))',
  '[x 35](https://example.com" onclick="alert(35))',
  '<noscript><p title="</noscript><img src=x onerror=alert(36)>"></noscript>',
  "<img src=x:alert(37) onerror=eval(src)>",
  "```html\n<script>alert(38)</script>\n```",
  "<javascript:alert(39)>",
  `<a href="${EVIL}/40" ping="${EVIL}/40ping">ping 40</a>`,
  "<a href=\"&#106;avascript:alert(41)\">entity 41</a>",
  "[click 42](vbscript:msgbox(42))",
];

/** The corpus as one markdown text, each payload its own block so one cannot swallow the next. */
export const xssCorpus = (tag: string) => xssPayloads.map((p, i) => `${tag} payload ${i + 1}:\n\n${p}`).join("\n\n");

export type Watch = { dialogs: string[]; offsite: string[] };

/** Records every dialog (dismissed at once) and every request that leaves the app's origin, for all pages of a context. */
export function watchContext(context: BrowserContext, baseUrl: string): Watch {
  const watch: Watch = { dialogs: [], offsite: [] };
  const origin = new URL(baseUrl).origin;
  const onPage = (page: Page) => {
    page.on("dialog", (d) => {
      watch.dialogs.push(`${d.type()}: ${d.message()}`);
      void d.dismiss().catch(() => {});
    });
  };
  context.pages().forEach(onPage);
  context.on("page", onPage);
  context.on("request", (req) => {
    const url = req.url();
    if (!url.startsWith(`${origin}/`) && url !== origin) watch.offsite.push(`${req.method()} ${url}`);
  });
  return watch;
}

/** Executable or fetching things inside the page's markdown containers (`.md`); empty when the page is safe. */
export async function unsafeMarkdownNodes(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const found: string[] = [];
    const containers = [...document.querySelectorAll(".md")];
    const badProtocol = /^\s*(javascript|vbscript|data):/i;
    for (const root of containers) {
      for (const el of [root, ...root.querySelectorAll("*")]) {
        const tag = el.tagName.toLowerCase();
        if (["script", "iframe", "object", "embed", "style", "link", "meta", "base", "form", "input", "svg", "math", "video", "audio", "source", "img", "noscript"].includes(tag)) found.push(`<${tag}>`);
        for (const attr of el.getAttributeNames()) {
          const value = el.getAttribute(attr) ?? "";
          if (/^on/i.test(attr)) found.push(`<${tag} ${attr}="${value}">`);
          if (attr === "style" || attr === "srcdoc" || attr === "ping" || attr === "formaction") found.push(`<${tag} ${attr}="${value}">`);
          if (["href", "src", "action", "xlink:href", "data", "poster"].includes(attr) && badProtocol.test(value)) found.push(`<${tag} ${attr}="${value}">`);
        }
      }
    }
    const marker = (window as unknown as { __xss?: unknown }).__xss;
    if (marker !== undefined) found.push(`window.__xss = ${JSON.stringify(marker)}`);
    return found;
  });
}

/** How many markdown containers hold `text`: proof the payloads were rendered, not skipped. */
export async function markdownContaining(page: Page, text: string): Promise<number> {
  return page.evaluate((t) => [...document.querySelectorAll(".md")].filter((el) => el.textContent?.includes(t)).length, text);
}
