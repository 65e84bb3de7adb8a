// The admin's project and schedule forms in Chromium: a wrong value gets its message beside its field and saves
// nothing; a right one creates (and opens) the project, or says "Saved." in place.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Browser } from "playwright-core";
import { hasChromium, launchBrowser, startApp, type App } from "./fixtures";
import { addPeople, signedInPage } from "./people";

const people = { admin: { email: "admin@example.test", name: "Ada Admin", role: "admin" } } as const;
const password = () => "admin password 123";

describe.skipIf(!hasChromium)("the project and schedule forms in Chromium", () => {
  let app: App;
  let browser: Browser;

  beforeAll(async () => {
    [app, browser] = await Promise.all([startApp({ prepare: (dataDir) => addPeople(dataDir, people, password) }), launchBrowser()]);
  }, 300_000);
  afterAll(async () => {
    await browser?.close();
    await app?.stop();
  });

  it("creates and edits a project, and saves a schedule, with errors beside their fields", async () => {
    const page = await signedInPage(browser, app, people.admin, password());

    await page.goto("/admin/projects");
    await page.getByTestId("field-slug").fill("Not A Slug!");
    await page.getByTestId("field-name").fill("Forms demo");
    await page.getByTestId("project-create").click();
    await expect.poll(() => page.getByTestId("error-slug").isVisible()).toBe(true);
    expect(page.url()).toMatch(/\/admin\/projects$/);
    await page.getByTestId("field-slug").fill("forms-demo");
    await page.getByTestId("project-create").click();
    await page.waitForURL(/\/admin\/projects\/forms-demo$/);
    expect(await page.getByTestId("error-slug").count()).toBe(0);

    await page.getByTestId("field-k").fill("1");
    await page.getByTestId("project-save").click();
    await expect.poll(() => page.getByTestId("error-k").isVisible()).toBe(true);
    expect(await page.getByTestId("project-saved").count()).toBe(0);
    await page.getByTestId("field-k").fill("3");
    await page.getByTestId("project-save").click();
    await expect.poll(() => page.getByTestId("project-saved").isVisible()).toBe(true);
    expect(await page.getByTestId("error-k").count()).toBe(0);
    await page.reload();
    expect(await page.getByTestId("field-k").inputValue()).toBe("3");

    await page.goto("/training/forms-demo");
    await page.getByTestId("field-cron").fill("every tuesday");
    await page.getByTestId("schedule-save").click();
    await expect.poll(() => page.getByTestId("error-cron").isVisible()).toBe(true);
    expect(await page.getByTestId("schedule-saved").count()).toBe(0);
    await page.getByTestId("field-cron").fill("0 4 * * 1");
    await page.getByTestId("field-minNewPairs").fill("25");
    await page.getByTestId("schedule-save").click();
    await expect.poll(() => page.getByTestId("schedule-saved").isVisible()).toBe(true);
    await expect.poll(() => page.getByTestId("schedule-summary").textContent()).toContain("0 4 * * 1");
  });
});
