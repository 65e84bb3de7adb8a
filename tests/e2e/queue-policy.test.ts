// The ranking queue on the admin's project page in Chromium: its make-up after a file import (with the name that pins
// that import), a malformed queue order refused beside its field, and a valid one in force after saving.
import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Browser } from "playwright-core";
import { hasChromium, launchBrowser, runCli, startApp, type App } from "./fixtures";
import { addPeople, signedInPage } from "./people";

const people = { admin: { email: "admin@example.test", name: "Ada Admin", role: "admin" } } as const;
const password = () => "admin password 123";
const tasks = Array.from({ length: 3 }, (_, i) => ({ instruction: `Queue question ${i}?`, outputs: [{ generator: "a", output: `A${i}` }, { generator: "b", output: `B${i}` }] }));

describe.skipIf(!hasChromium)("the ranking queue in Chromium", () => {
  let app: App;
  let browser: Browser;

  beforeAll(async () => {
    [app, browser] = await Promise.all([
      startApp({
        prepare: async (dataDir) => {
          await addPeople(dataDir, people, password);
          await runCli(dataDir, ["project", "create", "--slug", "queue", "--name", "Queue"]);
          const file = path.join(dataDir, "tasks.jsonl");
          fs.writeFileSync(file, tasks.map((t) => JSON.stringify(t)).join("\n"));
          await runCli(dataDir, ["import", file, "--project", "queue", "--format", "ranking"]);
        },
      }),
      launchBrowser(),
    ]);
  }, 300_000);
  afterAll(async () => {
    await browser?.close();
    await app?.stop();
  });

  it("shows the queue's make-up and takes a new order, refusing a malformed one beside its field", async () => {
    const page = await signedInPage(browser, app, people.admin, password());
    await page.goto("/admin/projects/queue");
    expect(await page.getByTestId("queue-order").textContent()).toBe("gate → active → routing → backlog");
    const imported = page.getByTestId("queue-row-import");
    expect(await imported.textContent()).toMatch(/^ImportedImport #\d+ \(tasks\.jsonl\)import:\d+3$/i);
    const batch = (await imported.textContent())!.match(/import:\d+/)![0];
    expect(await page.getByTestId("queue-total").textContent()).toBe("3");

    await page.getByTestId("field-queueOrder").fill("gate, soonest");
    await page.getByTestId("project-save").click();
    await expect.poll(() => page.getByTestId("error-queueOrder").textContent()).toContain('"soonest" is not gate, active, routing, backlog');
    expect(await page.getByTestId("project-saved").count()).toBe(0);

    await page.getByTestId("field-queueOrder").fill(`${batch}, backlog`);
    await page.getByTestId("project-save").click();
    await expect.poll(() => page.getByTestId("project-saved").isVisible()).toBe(true);
    await expect.poll(() => page.getByTestId("queue-order").textContent()).toBe(`${batch} → backlog → gate → active → routing`);
    expect(await page.getByTestId("error-queueOrder").count()).toBe(0);
  }, 120_000);
});
