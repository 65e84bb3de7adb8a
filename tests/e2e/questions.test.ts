// A composed task form in Chromium: an admin adds a rating scale, a strength question and a span question on the project page; an annotator answers them and submits with the keyboard alone.
import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { hasChromium, runCli } from "./fixtures";
import { useAppWithPeople } from "./people";
import { RankPage } from "./pages/annotate";

const people = {
  boss: { email: "boss@example.test", name: "Boss", role: "admin" },
  ann: { email: "ann@example.test", name: "Ann", role: "annotator" },
} as const;

describe.skipIf(!hasChromium)("composed questions in Chromium", () => {
  const e2e = useAppWithPeople(people, {
    prepare: async (dataDir) => {
      await runCli(dataDir, ["project", "create", "--slug", "demo", "--name", "Demo", "--k", "2", "--overlap", "1"]);
      const file = path.join(dataDir, "tasks.jsonl");
      fs.writeFileSync(file, JSON.stringify({ instruction: "Capital of France?", dataset: "e2e", outputs: [{ generator: "m0", output: "Paris is the capital." }, { generator: "m1", output: "Lyon is the capital." }] }) + "\n");
      await runCli(dataDir, ["import", file, "--project", "demo", "--format", "ranking"]);
    },
  });

  it("the admin composes rating + strength + span; the annotator fills and submits them by keyboard", async () => {
    const admin = await e2e.signedIn("boss");
    await admin.goto("/admin/projects/demo");
    for (const t of ["rating", "pairwise", "span"]) await admin.getByTestId(`add-question-${t}`).click();
    await admin.getByTestId("questions-preview").getByTestId("question-quality").waitFor();
    await admin.getByTestId("project-save").click();
    await admin.getByTestId("project-saved").waitFor();

    const page = await e2e.signedIn("ann");
    const rank = new RankPage(page);
    await rank.open("demo");
    await rank.waitTask(2);
    const key = (k: string) => page.keyboard.press(k);
    // Every output on every criterion: focus its row, type the rating.
    const rows = page.getByTestId("question-quality").locator('[role="radiogroup"]');
    expect(await rows.count()).toBe(8);
    for (let i = 0; i < 8; i++) {
      await rows.nth(i).focus();
      await key(String(i % 2 === 0 ? 5 : 2));
    }
    await page.getByTestId("strength-strength").focus();
    await key("1");
    expect(await page.getByTestId("strength-strength-2").getAttribute("aria-checked")).toBe("true");
    // A span: select "Lyon" inside output B's text, then the first label's key.
    await page.getByTestId("span-text-errors-B").evaluate((el) => {
      const text = el.firstChild!;
      const at = text.textContent!.indexOf("Lyon");
      const range = document.createRange();
      range.setStart(text, Math.max(at, 0));
      range.setEnd(text, Math.max(at, 0) + 4);
      getSelection()!.removeAllRanges();
      getSelection()!.addRange(range);
    });
    await page.getByTestId("span-mark-errors-1").focus();
    await key("1");
    expect(await page.getByTestId("spans-errors").textContent()).toMatch(/“(Lyon|Pari)”.*factual error/);
    await expect.poll(() => page.getByTestId("rank-draft").getAttribute("data-state")).toBe("saved");

    await page.getByTestId("confirm-order").focus();
    await key("Space");
    await page.getByTestId("submit-ranking").focus();
    await key("Enter");
    await expect.poll(() => page.getByTestId("rank-notice").textContent()).toMatch(/Ranking saved/);
  }, 120_000);
});
