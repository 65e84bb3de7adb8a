// Diversity and seeds in Chromium, on the 175 Alpaca seed tasks: the verb–object breakdown, targets set by an admin
// (a sum that is not 100% refused beside the field), an annotator growing the set from seeds (a copy refused), and a
// reviewer having a model source (a small OpenAI-compatible server in the test) draft tasks that wait in the review queue.
import path from "node:path";
import fs from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { chatAnswer, startFakeOpenAI } from "../helpers/fake-openai";
import { hasChromium, runCli } from "./fixtures";
import { useAppWithPeople } from "./people";
import { DiversityPage, SeedPage } from "./pages/diversity";

const seedsFile = [path.resolve(import.meta.dirname, "../../../shared/data/alpaca-seed-tasks.jsonl"), path.resolve(import.meta.dirname, "../../shared/data/alpaca-seed-tasks.jsonl")].find((f) => fs.existsSync(f));

const people = {
  admin: { email: "admin@example.test", name: "Ada Admin", role: "admin" },
  ann: { email: "ann@example.test", name: "Ann Writer", role: "annotator" },
  rev: { email: "rev@example.test", name: "Rea Reviewer", role: "reviewer" },
} as const;

/** The first seed's instruction: the drafting model "copies" it, and the copy is refused as too similar. */
const firstSeed = seedsFile ? (JSON.parse(fs.readFileSync(seedsFile, "utf8").split("\n")[0]) as { instruction: string }).instruction : "";
const DRAFTED = "Describe how a lighthouse keeps ships away from the rocks at night.";

// Skipped with the reason where ../shared/data is absent (an outside clone) or Chromium is missing.
describe.skipIf(!hasChromium || !seedsFile)(`diversity and write-from-seed in Chromium${seedsFile ? "" : " (skipped: ../shared/data/alpaca-seed-tasks.jsonl is absent)"}`, () => {
  // The drafting model: a new task, a copy of a seed, an empty reply, in the order asked (started before the app).
  let server: Awaited<ReturnType<typeof startFakeOpenAI>>;
  let call = 0;
  beforeAll(async () => {
    const replies = [`Task 7: ${DRAFTED}`, `Task 7: ${firstSeed}`, "ok"];
    server = await startFakeOpenAI((r) => ({ body: chatAnswer(r.model, replies[call++ % replies.length]) }));
  });
  afterAll(async () => {
    await server?.close();
  });
  const e2e = useAppWithPeople(people, {
    prepare: async (dataDir) => {
      await runCli(dataDir, ["project", "create", "--slug", "seeds", "--name", "Seeds", "--categories", "generation,classification"]);
      await runCli(dataDir, ["import", seedsFile!, "--project", "seeds"]);
      await runCli(dataDir, ["source", "add", "--project", "seeds", "--name", "drafter", "--base-url", server.baseUrl, "--model", "m"]);
    },
  });

  it("shows the seeds' verbs and objects; an admin's targets must sum to 100%", async () => {
    const page = await e2e.signedIn("admin");
    const diversity = new DiversityPage(page);
    await diversity.open("seeds");
    expect(await diversity.summary()).toMatch(/^175 tasks/);
    const verbs = await diversity.verbs();
    expect(verbs.slice(0, 3).map((v) => v.verb)).toEqual(["write", "give", "generate"]);
    expect(verbs[0].count).toBe(23);
    expect(verbs.find((v) => v.verb === "make")!.objects).toMatch(/^list \(3\)/);
    await page.getByTestId("verb-chart").locator(".recharts-bar-rectangle").first().waitFor();

    await diversity.setTargets("generation = 50%\nclassification = 40%");
    expect(await diversity.targetsError()).toMatch(/sum to 1 \(100%\); they sum to 0\.9/);
    await diversity.setTargets("generation = 60%\nclassification = 40%");
    await diversity.saved();
    await page.reload();
    expect(await diversity.categoryRow("generation")).toMatch(/60\.0%/);
  });

  it("an annotator writes from seeds: a copy of a seed is refused with it shown, a new task goes to review", async () => {
    const page = await e2e.signedIn("ann");
    const seed = new SeedPage(page);
    await seed.open("seeds", 4);
    const shown = await seed.seeds();
    expect(shown).toHaveLength(4);
    await seed.write({ instruction: shown[0], category: "generation" });
    const error = await seed.instructionError();
    expect(error).toContain("ROUGE-L 1.00 > 0.7");
    expect(error).toContain(shown[0].slice(0, 40));
    await seed.write({ instruction: "Plan a three-day bicycle tour along a river, with distances and places to sleep.", category: "generation", demonstration: "Day 1: 60 km …" });
    await seed.submitted();
    // New seeds for the next one (the default k, 6).
    expect(await page.getByTestId("seed-task").count()).toBe(6);
  });

  it("a reviewer has a model source draft tasks from seeds: no drafter is refused beside the field; the status line counts kept and too-similar ones; the kept one waits in the review queue", async () => {
    const page = await e2e.signedIn("rev");
    // The Diversity page's first render reads all 175 seeds' verbs: give it time on a loaded machine.
    page.setDefaultNavigationTimeout(120_000);
    page.setDefaultTimeout(60_000);
    const diversity = new DiversityPage(page);
    await diversity.open("seeds");
    const form = page.getByTestId("seed-drafts-form");
    expect(await form.getByTestId("field-drafter").locator("option").allTextContents()).toEqual(["Pick a model source or version", "drafter"]);
    await form.getByTestId("seed-drafts-start").click();
    await form.getByTestId("error-drafter").waitFor();
    expect(await form.getByTestId("error-drafter").textContent()).toMatch(/Name a model source or a model version/);
    expect(await form.getByTestId("seed-drafts-status").count()).toBe(0);
    expect(server.log).toHaveLength(0);

    // (A count outside 1–50 is stopped by the browser: the field has min and max.)
    await form.getByTestId("field-drafter").selectOption("source:drafter");
    await form.getByTestId("field-n").fill("3");
    await form.getByTestId("seed-drafts-start").click();
    const status = form.getByTestId("seed-drafts-status");
    await status.waitFor();
    try {
      await form.locator('[data-testid="seed-drafts-status"][data-state="done"]').waitFor({ timeout: 120_000 });
    } catch (e) {
      throw new Error(`${(e as Error).message}\n--- status: ${await status.textContent()}\n--- app log ---\n${e2e.app.logs().slice(-4000)}`);
    }
    expect((await status.textContent())!.replace(/\s+/g, " ").trim()).toBe("Asked 3: 1 new task kept, 1 refused as too similar, 1 empty, 0 failed. Review them in the queue");
    expect(server.log).toHaveLength(3);
    expect(server.log[0].prompt).toMatch(/^Come up with a series of tasks:\n\nTask 1: /);
    expect(await form.getByTestId("error-drafter").count()).toBe(0);

    await form.getByTestId("seed-drafts-review-link").click();
    await page.waitForURL(/\/review\/seeds\?kind=prompt$/);
    const items = page.getByTestId("queue-item");
    await items.first().waitFor();
    expect(await items.filter({ hasText: DRAFTED }).count()).toBe(1);
    expect(await items.filter({ hasText: firstSeed.slice(0, 40) }).count()).toBe(0);
  }, 180_000);
});
