// Diversity and seeds in Chromium, on the 175 Alpaca seed tasks: the verb–object breakdown, targets set by an admin
// (a sum that is not 100% refused beside the field), and an annotator growing the set from seeds (a copy refused).
import path from "node:path";
import fs from "node:fs";
import { describe, expect, it } from "vitest";
import { hasChromium, runCli } from "./fixtures";
import { useAppWithPeople } from "./people";
import { DiversityPage, SeedPage } from "./pages/diversity";

const seedsFile = [path.resolve(import.meta.dirname, "../../../shared/data/alpaca-seed-tasks.jsonl"), path.resolve(import.meta.dirname, "../../shared/data/alpaca-seed-tasks.jsonl")].find((f) => fs.existsSync(f));

const people = {
  admin: { email: "admin@example.test", name: "Ada Admin", role: "admin" },
  ann: { email: "ann@example.test", name: "Ann Writer", role: "annotator" },
} as const;

// Skipped with the reason where ../shared/data is absent (an outside clone) or Chromium is missing.
describe.skipIf(!hasChromium || !seedsFile)(`diversity and write-from-seed in Chromium${seedsFile ? "" : " (skipped: ../shared/data/alpaca-seed-tasks.jsonl is absent)"}`, () => {
  const e2e = useAppWithPeople(people, {
    prepare: async (dataDir) => {
      await runCli(dataDir, ["project", "create", "--slug", "seeds", "--name", "Seeds", "--categories", "generation,classification"]);
      await runCli(dataDir, ["import", seedsFile!, "--project", "seeds"]);
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
});
