// The Models page's leaderboard with style control, and routing's two settings on the project form, in Chromium.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { createRng } from "@/trainer/rng";
import { hasChromium } from "./fixtures";
import { useAppWithPeople } from "./people";

const people = { admin: { email: "admin@example.test", name: "Ada Admin", role: "admin" } } as const;

/**
 * 120 judgments over 60 instructions, verbose and terse each against plain. The judge prefers the longer answer 80%
 * of the time; verbose mostly writes the longest answer; terse writes shorter ones that are better on substance (it
 * wins another 25% outright). Raw, verbose rates first; once length is controlled for, terse does.
 */
function judgmentRows() {
  const rng = createRng(11);
  const text = (who: string, i: number, chars: number) => `${who} answer ${i}: ${"lorem ipsum ".repeat(Math.ceil(chars / 12))}`.slice(0, chars);
  const out: Array<{ instruction: string; output_1: string; generator_1: string; output_2: string; generator_2: string; preference: 1 | 2 }> = [];
  for (let i = 0; i < 60; i++) {
    const instruction = `Question ${i}: explain something.`;
    const plain = text("plain", i, Math.round(300 + 500 * rng()));
    for (const who of ["verbose", "terse"]) {
      const chars = who === "verbose" ? (rng() < 0.8 ? Math.round(1200 + 600 * rng()) : Math.round(300 + 300 * rng())) : Math.round(250 + 500 * rng());
      const mine = text(who, i, chars);
      const mineWins = (who === "terse" && rng() < 0.25) || mine.length > plain.length === rng() < 0.8;
      out.push({ instruction, output_1: plain, generator_1: "plain", output_2: mine, generator_2: who, preference: mineWins ? 2 : 1 });
    }
  }
  return out;
}

describe.skipIf(!hasChromium)("style control and routing in Chromium", () => {
  const e2e = useAppWithPeople(people, { timeout: 300_000 });
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "tl-e2e-style-"));
  afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

  it("shows raw and style-controlled ratings with each model's move, and saves a routing range with errors beside its fields", async () => {
    const page = await e2e.signedIn("admin");
    // The admin makes the project and uploads the judgments on the import page.
    await page.goto("/admin/projects");
    await page.getByTestId("field-slug").fill("evals");
    await page.getByTestId("field-name").fill("Evals");
    await page.getByTestId("project-create").click();
    await page.waitForURL(/\/admin\/projects\/evals$/);
    const file = path.join(tmp, "judgments.jsonl");
    fs.writeFileSync(file, judgmentRows().map((r) => JSON.stringify(r)).join("\n") + "\n");
    await page.goto("/admin/import");
    await page.getByTestId("field-project").selectOption("evals");
    await page.locator('input[type="file"]').setInputFiles(file);
    await page.getByTestId("import-submit").click();
    await expect.poll(() => page.getByTestId("import-summary").isVisible(), { timeout: 60_000 }).toBe(true);
    expect(await page.getByTestId("import-rankings").textContent()).toBe("120");

    await page.goto("/models/evals");
    await page.getByTestId("leaderboard").waitFor();
    const rows = await page.getByTestId("leaderboard-row").evaluateAll((trs) =>
      trs.map((tr) => ({ model: tr.querySelector("td")?.textContent, style: tr.querySelector('[data-testid="style-rating"]')?.textContent, move: tr.querySelector('[data-testid="style-shift"]')?.textContent })),
    );
    // Raw order verbose, terse, plain; controlled for length, terse moves up past verbose.
    expect(rows.map((r) => [r.model, r.move])).toEqual([
      ["verbose", "▼1"],
      ["terse", "▲1"],
      ["plain", "–"],
    ]);
    for (const r of rows) expect(r.style).toMatch(/^\d+$/);
    expect(await page.getByTestId("style-coefficients").textContent()).toMatch(/length \d+\.\d\d/);

    await page.goto("/admin/projects/evals");
    await page.getByTestId("field-minOverlap").fill("4");
    await page.getByTestId("field-maxOverlap").fill("3");
    await page.getByTestId("project-save").click();
    await expect.poll(() => page.getByTestId("error-maxOverlap").isVisible()).toBe(true);
    expect(await page.getByTestId("error-maxOverlap").textContent()).toContain("at least the minimum");
    expect(await page.getByTestId("project-saved").count()).toBe(0);
    await page.getByTestId("field-minOverlap").fill("2");
    await page.getByTestId("field-maxOverlap").fill("5");
    await page.getByTestId("project-save").click();
    await expect.poll(() => page.getByTestId("project-saved").isVisible()).toBe(true);
    await page.reload();
    expect(await page.getByTestId("field-minOverlap").inputValue()).toBe("2");
    expect(await page.getByTestId("field-maxOverlap").inputValue()).toBe("5");

    // One ranking a prompt needs the reward model counted as a ranking: refused beside the field without the box, saved with it.
    await page.getByTestId("field-minOverlap").fill("1");
    await page.getByTestId("project-save").click();
    await expect.poll(() => page.getByTestId("error-minOverlap").isVisible()).toBe(true);
    expect(await page.getByTestId("error-minOverlap").textContent()).toContain("1 when the reward model counts as a ranking");
    await page.getByTestId("field-rewardAsRanking").setChecked(true);
    await page.getByTestId("project-save").click();
    await expect.poll(() => page.getByTestId("project-saved").isVisible()).toBe(true);
    await page.reload();
    expect(await page.getByTestId("field-minOverlap").inputValue()).toBe("1");
    expect(await page.getByTestId("field-rewardAsRanking").isChecked()).toBe(true);
  }, 120_000);
});
