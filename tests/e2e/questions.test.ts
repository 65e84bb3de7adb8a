// A composed task form in Chromium: an admin adds a rating scale, a strength question and a span question on the project page; two annotators answer them with the keyboard alone;
// a reviewer sees the ratings' consensus and α while the prompt is unsettled; once the second annotator revises and it settles, the export holds the rating pair (margin = rating gap, ratings in meta).
import fs from "node:fs";
import path from "node:path";
import type { Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import { hasChromium, runCli } from "./fixtures";
import { useAppWithPeople } from "./people";
import { MyWorkPage, RankPage } from "./pages/annotate";
import { ReviewQueuePage } from "./pages/review";

const people = {
  boss: { email: "boss@example.test", name: "Boss", role: "admin" },
  ann: { email: "ann@example.test", name: "Ann", role: "annotator" },
  bea: { email: "bea@example.test", name: "Bea", role: "annotator" },
  rita: { email: "rita@example.test", name: "Rita", role: "reviewer" },
} as const;

describe.skipIf(!hasChromium)("composed questions in Chromium", () => {
  const e2e = useAppWithPeople(people, {
    prepare: async (dataDir) => {
      await runCli(dataDir, ["project", "create", "--slug", "demo", "--name", "Demo", "--k", "2", "--overlap", "2", "--agreement", "0.7"]);
      const file = path.join(dataDir, "tasks.jsonl");
      fs.writeFileSync(file, JSON.stringify({ instruction: "Capital of France?", dataset: "e2e", outputs: [{ generator: "m0", output: "Paris is the capital." }, { generator: "m1", output: "Lyon is the capital." }] }) + "\n");
      await runCli(dataDir, ["import", file, "--project", "demo", "--format", "ranking"]);
    },
  });

  it("the admin composes rating + strength + span; annotators fill them by keyboard; the reviewer sees agreement; the export holds the rating pair", async () => {
    const admin = await e2e.signedIn("boss");
    await admin.goto("/admin/projects/demo");
    for (const t of ["rating", "pairwise", "span"]) await admin.getByTestId(`add-question-${t}`).click();
    await admin.getByTestId("questions-preview").getByTestId("question-quality").waitFor();
    await admin.getByTestId("project-save").click();
    await admin.getByTestId("project-saved").waitFor();

    // Each annotator rates Paris and Lyon on every criterion (outputs are shuffled per annotator: rows are found by their label),
    // puts Paris first with number keys, says "Tie" on the strength question and submits, all by keyboard.
    const fill = async (page: Page, paris: number, lyon: number, span: boolean, revise = false) => {
      const rank = new RankPage(page);
      await rank.waitTask(2);
      const key = (k: string) => page.keyboard.press(k);
      const labelOf = async (marker: string) => {
        for (const l of ["A", "B"]) if ((await page.getByTestId(`span-text-errors-${l}`).textContent())!.includes(marker)) return l;
        throw new Error(`no output with ${marker}`);
      };
      const parisLabel = await labelOf("Paris");
      const rows = page.getByTestId("question-quality").locator('[role="radiogroup"]');
      expect(await rows.count()).toBe(8);
      for (let i = 0; i < 8; i++) {
        const id = (await rows.nth(i).getAttribute("data-testid"))!;
        await rows.nth(i).focus();
        await key(String(id.endsWith(`-${parisLabel}`) ? paris : lyon));
      }
      await page.getByTestId("strength-strength").focus();
      await key("3");
      expect(await page.getByTestId("strength-strength-0").getAttribute("aria-checked")).toBe("true");
      if (span) {
        // A span: select "Lyon" inside its output's text, then the first label's key.
        const lyonLabel = await labelOf("Lyon");
        await page.getByTestId(`span-text-errors-${lyonLabel}`).evaluate((el) => {
          const text = el.firstChild!;
          const at = text.textContent!.indexOf("Lyon");
          const range = document.createRange();
          range.setStart(text, at);
          range.setEnd(text, at + 4);
          getSelection()!.removeAllRanges();
          getSelection()!.addRange(range);
        });
        await page.getByTestId("span-mark-errors-1").focus();
        await key("1");
        expect(await page.getByTestId("spans-errors").textContent()).toMatch(/“Lyon”.*factual error/);
      }
      // A new ranking autosaves as a draft; a revision is saved on submit.
      if (!revise) await expect.poll(() => page.getByTestId("rank-draft").getAttribute("data-state")).toBe("saved");
      await page.getByTestId("rank-item").first().focus();
      await rank.orderByNumberKeys(["Paris", "Lyon"]);
      await page.getByTestId("confirm-order").focus();
      await key("Space");
      await page.getByTestId("submit-ranking").focus();
      await key("Enter");
      await expect.poll(() => page.getByTestId("rank-notice").textContent()).toMatch(revise ? /revised ranking is saved/ : /Ranking saved/);
    };
    const annotator = async (who: "ann" | "bea") => {
      const page = await e2e.signedIn(who);
      await new RankPage(page).open("demo");
      return page;
    };
    await fill(await annotator("ann"), 5, 2, true);
    // Bea agrees on the order but rates Paris 2: the form's agreement is 1 − (3/2)/4 = 0.625 < 0.7, so the prompt stays unsettled.
    const bea = await annotator("bea");
    await fill(bea, 2, 2, false);

    // The reviewer sees the rating question's consensus: each output's mean and Krippendorff's α (interval) over the two rankings.
    const rev = await e2e.signedIn("rita");
    const queue = new ReviewQueuePage(rev);
    await queue.open("demo", { kind: "ranking" });
    expect(await queue.items("ranking").count()).toBe(1);
    const consensus = queue.items("ranking").first().getByTestId("question-consensus");
    // α = 1 − Do/De over 8 (output, criterion) units: Do = 4·18/16 = 4.5, De = 2·4·12·9/(16·15) = 3.6.
    expect(Number(await consensus.getByTestId("alpha-quality").getAttribute("data-value"))).toBeCloseTo(-0.25, 6);
    const quality = (await consensus.getByTestId("question-consensus-quality").textContent())!;
    expect(quality).toMatch(/mean 3\.50/);
    expect(quality).toMatch(/mean 2\.00/);
    expect(await consensus.getByTestId("question-consensus-errors").textContent()).toMatch(/\d+–\d+ factual error ×1/);

    // Bea revises her ranking (her answers come back pre-filled) and rates Paris 4: agreement 1 − (1/2)/4 = 0.875, so the prompt settles and the export counts both rankings.
    const mine = new MyWorkPage(bea);
    await mine.open("demo");
    await mine.openRevise();
    await fill(bea, 4, 2, false, true);
    await queue.open("demo", { kind: "ranking" });
    await queue.empty();
    // The export through the app's API (the app holds the embedded database): a snapshot, then its preference file.
    const base = e2e.app.baseUrl;
    const created = await admin.request.post(`${base}/api/v1/projects/demo/exports`, { data: { options: { evalFraction: 0 } }, headers: { origin: base } });
    expect(created.status(), await created.text()).toBe(201);
    const { id } = (await created.json()) as { id: string };
    const file = await admin.request.get(`${base}/api/v1/projects/demo/exports/${id}/files/preference.train.jsonl`);
    expect(file.status()).toBe(200);
    const rows = (await file.text()).trim().split("\n").map((l) => JSON.parse(l));
    expect(rows).toHaveLength(1);
    const [pair] = rows;
    expect(pair.chosen[0].content).toBe("Paris is the capital.");
    expect(pair.rejected[0].content).toBe("Lyon is the capital.");
    // Means 4.5 (5 and 4) and 2: the margin is the gap; "Tie" strengths leave it alone.
    expect(pair.margin).toBe(2.5);
    expect(pair.meta).toMatchObject({ source: "rating", ratings: { chosen: 4.5, rejected: 2 } });
    expect(pair.meta.spans.rejected).toEqual([expect.objectContaining({ question: "errors", label: "factual error", count: 1 })]);
  }, 120_000);
});
