// Judgments uploaded on the admin import page join the ranking task of the same instruction and the summary says so;
// the Data page names the snapshot made from them (project, cut-off, counts) and shows its dataset card.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Browser } from "playwright-core";
import { hasChromium, launchBrowser, runCli, startApp, type App } from "./fixtures";
import { addPeople, signedInPage } from "./people";

const people = { admin: { email: "admin@example.test", name: "Ada Admin", role: "admin" } } as const;
const password = () => "admin password 123";
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "tl-e2e-import-data-"));
const jsonl = (name: string, rows: unknown[]) => {
  const file = path.join(tmp, name);
  fs.writeFileSync(file, rows.map((r) => JSON.stringify(r)).join("\n") + "\n");
  return file;
};
// Two instructions; "Name a colour." is also a ranking task already in the project.
const judgments = jsonl("judgments.jsonl", [
  { instruction: "Name a colour.", output_1: "Blue.", generator_1: "davinci", output_2: "Red is a colour.", generator_2: "gpt4", preference: 2 },
  { instruction: "Name a colour.", output_1: "Blue.", generator_1: "davinci", output_2: "Green", generator_2: "claude", preference: 1 },
  { instruction: "Say hi.", output_1: "Hi", generator_1: "davinci", output_2: "Hello!", generator_2: "gpt4", preference: 2 },
]);

describe.skipIf(!hasChromium)("judgments import and the Data page in Chromium", () => {
  let app: App;
  let browser: Browser;

  beforeAll(async () => {
    const tasks = jsonl("tasks.jsonl", [{ instruction: "Name a colour.", outputs: [{ generator: "gpt4", output: "Red is a colour." }, { generator: "llama", output: "Yellow" }] }]);
    [app, browser] = await Promise.all([
      startApp({
        prepare: async (dataDir) => {
          await addPeople(dataDir, people, password);
          await runCli(dataDir, ["project", "create", "--slug", "evals", "--name", "Evals"]);
          await runCli(dataDir, ["import", tasks, "--project", "evals"]);
        },
      }),
      launchBrowser(),
    ]);
  }, 300_000);
  afterAll(async () => {
    await browser?.close();
    await app?.stop();
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  it("uploads judgments that join an existing prompt, then names the snapshot and shows its card", async () => {
    const page = await signedInPage(browser, app, people.admin, password());
    await page.goto("/admin/import");
    await page.getByTestId("field-project").selectOption("evals");
    await page.locator('input[type="file"]').setInputFiles(judgments);
    await page.getByTestId("import-submit").click();
    await expect.poll(() => page.getByTestId("import-summary").isVisible(), { timeout: 30_000 }).toBe(true);
    // One new prompt ("Say hi."), one joined; gpt4's colour output was already there: 2 + 2 new completions.
    expect(await page.getByTestId("import-prompts").textContent()).toBe("1");
    expect(await page.getByTestId("import-joined-existing-prompts").textContent()).toBe("1");
    expect(await page.getByTestId("import-completions").textContent()).toBe("4");
    expect(await page.getByTestId("import-rankings").textContent()).toBe("3");

    await page.goto("/data/evals");
    await page.getByTestId("field-evalFraction").fill("0");
    await page.getByTestId("snapshot-submit").click();
    await expect.poll(() => page.getByTestId("snapshot-created").isVisible(), { timeout: 60_000 }).toBe(true);
    await expect.poll(() => page.getByTestId("snapshot-name").count()).toBe(1);
    // Three judgments with a preference, three pairs; no demonstrations.
    expect(await page.getByTestId("snapshot-name").textContent()).toMatch(/^evals · \d{4}-\d\d-\d\d \d\d:\d\d UTC · 3 pairs · 0 SFT$/);
    expect(await page.getByTestId("snapshot-id").textContent()).toMatch(/^[0-9a-f-]{36}$/);
    const card = page.getByTestId("snapshot-card");
    expect(await card.isVisible()).toBe(true);
    expect(await card.locator("h1").textContent()).toBe(await page.getByTestId("snapshot-name").textContent());
    expect(await card.textContent()).toContain("load_dataset");
    expect(await card.textContent()).not.toContain("license:");
  });
});
