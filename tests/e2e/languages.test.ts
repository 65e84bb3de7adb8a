// The UI in three languages, in Chromium: Arabic right to left with Arabic-Indic digits while ranking by keyboard, the
// browser's Accept-Language before anyone picks, and a picked Spanish that follows the person to a new sign-in.
import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import type { Page } from "playwright-core";
import { hasChromium, runCli } from "./fixtures";

import { password, useAppWithPeople } from "./people";
import { LoginPage } from "./pages/auth";
import { MyWorkPage, RankPage, WritePage } from "./pages/annotate";
import ar from "../../messages/ar.json";
import es from "../../messages/es.json";

const people = { amira: { email: "amira@example.test", name: "Amira", role: "annotator" } } as const;

const M = ["Alpha", "Bravo", "Charlie"] as const;
const task = (n: number) => ({
  instruction: `Question ${n}: why is the sea salty?`,
  dataset: "e2e",
  outputs: M.map((m, i) => ({ generator: `m${i}`, output: `${m}: answer ${i} to question ${n}.` })),
});

const htmlAttrs = (page: Page) => page.evaluate(() => ({ lang: document.documentElement.lang, dir: document.documentElement.dir }));

/** Picks a language in the navigation; the page reloads in it. */
async function pickLanguage(page: Page, locale: string) {
  await page.getByTestId("language-select").selectOption(locale);
  await expect.poll(() => htmlAttrs(page).then((a) => a.lang), { timeout: 15_000 }).toBe(locale);
}

describe.skipIf(!hasChromium)("the UI in several languages in Chromium", () => {
  const e2e = useAppWithPeople(people, {
    prepare: async (dataDir) => {
      await runCli(dataDir, ["project", "create", "--slug", "demo", "--name", "Demo", "--k", "3", "--overlap", "1"]);
      const file = path.join(dataDir, "tasks.jsonl");
      fs.writeFileSync(file, [1, 2].map((n) => JSON.stringify(task(n))).join("\n") + "\n");
      await runCli(dataDir, ["import", file, "--project", "demo", "--format", "ranking"]);
    },
  });

  it("before anyone picks, the browser's Accept-Language decides; English otherwise", async () => {
    for (const [locale, title, dir] of [
      ["ar-EG", ar.login.title, "rtl"],
      ["es-MX", es.login.title, "ltr"],
      ["fr-FR", "Sign in", "ltr"],
    ] as const) {
      // Playwright's locale sets both navigator.language and the Accept-Language header.
      const page = await (await e2e.browser.newContext({ baseURL: e2e.app.baseUrl, locale })).newPage();
      await new LoginPage(page).open();
      expect(await page.locator("h1").textContent()).toBe(title);
      expect((await htmlAttrs(page)).dir).toBe(dir);
      await page.context().close();
    }
  });

  it("an annotator with Arabic picked ranks a task by keyboard on a right-to-left page with Arabic digits", async () => {
    const page = await e2e.signedIn("amira");
    await pickLanguage(page, "ar");
    expect(await htmlAttrs(page)).toEqual({ lang: "ar", dir: "rtl" });
    expect(await page.getByTestId("nav-annotate").textContent()).toBe(ar.nav.sections.annotate);

    const rank = new RankPage(page);
    await rank.open("demo");
    await rank.waitTask(3);
    expect(await page.getByTestId("tab-rank").textContent()).toBe(ar.annotate.tabs.rank);
    expect(await page.getByTestId("shortcut-legend").locator("h2").textContent()).toBe(ar.rank.keys.title);
    expect(await page.getByTestId("submit-ranking").textContent()).toBe(ar.rank.submit);
    expect(await page.getByTestId("output-label").first().textContent()).toMatch(/^المُخرَج [A-C]$/);
    // Ranks are written in Arabic-Indic digits.
    expect(await page.getByTestId("rank-position").allTextContents()).toEqual(["١", "٢", "٣"]);
    // The layout mirrors: the list's first rank badge sits right of its text column.
    const badge = await page.getByTestId("rank-position").first().boundingBox();
    const text = await page.getByTestId("output-text").first().boundingBox();
    expect(badge!.x).toBeGreaterThan(text!.x);

    // Keyboard only: Charlie, Alpha, Bravo by number keys, then t ties Bravo with Alpha, then Enter.
    await rank.items().first().focus();
    await rank.orderByNumberKeys(["Charlie", "Alpha", "Bravo"]);
    await rank.focusByArrows(2);
    await page.keyboard.press("t");
    await expect.poll(() => page.getByTestId("tie-group-label").textContent()).toMatch(/^متعادلة في المرتبة ٢: [A-C] = [A-C]$/);
    expect(await page.getByTestId("rank-position").allTextContents()).toEqual(["١", "٢", "٢"]);
    await page.keyboard.press("Enter");
    await expect.poll(() => page.getByTestId("rank-notice").textContent()).toBe(ar.rank.announce.saved);
    await rank.waitTask(3);

    const me = new MyWorkPage(page);
    await me.open("demo");
    expect(await me.figure("today")).toBe("١");
    expect(await page.getByTestId("tab-me").textContent()).toBe(ar.annotate.tabs.me);
    expect(await htmlAttrs(page)).toEqual({ lang: "ar", dir: "rtl" });

    // The server's answer to bad input comes back in Arabic too: beside the field and above the button.
    const write = new WritePage(page);
    await write.open("demo");
    await write.fill({ instruction: "قصير" });
    await page.getByTestId("submit-prompt").click();
    await expect.poll(() => page.getByTestId("error-instruction").textContent()).toBe(ar.serverErrors.prompts.instructionShort);
    expect(await page.getByTestId("form-error").textContent()).toBe(ar.serverErrors.actions.fixFields);
  });

  it("Spanish picked is kept on the account: a new browser signing in gets it", async () => {
    const page = await e2e.signedIn("amira");
    // Still Arabic from the test before: the choice is on the account, not this (fresh) browser context.
    expect((await htmlAttrs(page)).lang).toBe("ar");
    await pickLanguage(page, "es");
    expect(await htmlAttrs(page)).toEqual({ lang: "es", dir: "ltr" });
    expect(await page.getByTestId("nav-annotate").textContent()).toBe(es.nav.sections.annotate);
    await page.getByTestId("sign-out").click();
    await page.waitForURL("**/login");
    // The sign-in page after signing out stays in Spanish (the choice is mirrored in a cookie).
    expect(await page.locator("h1").textContent()).toBe(es.login.title);
    await page.context().close();

    // A browser that never saw the choice and asks for English.
    const ctx = await e2e.browser.newContext({ baseURL: e2e.app.baseUrl, locale: "en-US" });
    const fresh = await ctx.newPage();
    await new LoginPage(fresh).open();
    expect(await fresh.locator("h1").textContent()).toBe("Sign in");
    await new LoginPage(fresh).signInAs(people.amira.email, password("amira"), "annotator");
    expect(await htmlAttrs(fresh)).toEqual({ lang: "es", dir: "ltr" });
    expect(await fresh.getByTestId("nav-annotate").textContent()).toBe(es.nav.sections.annotate);
    await fresh.goto("/annotate/demo/rank");
    await fresh.getByTestId("rank-task").waitFor();
    expect(await fresh.getByTestId("shortcut-legend").locator("h2").textContent()).toBe(es.rank.keys.title);
    expect(await fresh.getByTestId("output-label").first().textContent()).toMatch(/^Respuesta [A-C]$/);
    await ctx.close();
  });
});
