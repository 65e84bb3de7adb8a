// Nothing acknowledged is lost, in Chromium: the lazy-ranking guard, ties shown as groups, a rank draft and a write
// draft that survive a reload, and one task submitted from two tabs (a revision, or "already submitted" with what is stored).
import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { hasChromium, runCli } from "./fixtures";
import { useAppWithPeople } from "./people";
import { MyWorkPage, RankPage, WritePage } from "./pages/annotate";

const people = {
  ann1: { email: "ann1@example.test", name: "Ann One", role: "annotator" },
  ann2: { email: "ann2@example.test", name: "Ann Two", role: "annotator" },
  ann3: { email: "ann3@example.test", name: "Ann Three", role: "annotator" },
} as const;

// Markers that start each output; each annotator sees a different shuffle, so outputs are found by them.
const M = ["Alpha", "Bravo", "Charlie", "Delta"] as const;
const task = (n: number) => ({
  instruction: `Question ${n}: why is the sea salty?`,
  dataset: "e2e",
  outputs: M.map((m, i) => ({ generator: `m${i}`, output: `${m}: answer ${i} to question ${n}.` })),
});
const GUIDELINES = "Prefer correct answers.\n\n| Flag | When |\n| --- | --- |\n| Unsafe | harmful advice |\n| Factually wrong | a false claim |\n";
const markers = (texts: string[]) => texts.map((t) => t.trim().split(":")[0]);

describe.skipIf(!hasChromium)("annotators lose nothing in Chromium", () => {

  const e2e = useAppWithPeople(people, {
    prepare: async (dataDir) => {
      const guidelines = path.join(dataDir, "guidelines.md");
      fs.writeFileSync(guidelines, GUIDELINES);
      await runCli(dataDir, ["project", "create", "--slug", "demo", "--name", "Demo", "--k", "4", "--overlap", "3", "--revise-hours", "24", "--guidelines-file", guidelines]);
      await runCli(dataDir, ["project", "create", "--slug", "strict", "--name", "Strict", "--k", "4", "--overlap", "3", "--revise-hours", "0"]);
      for (const [slug, n] of [["demo", 3], ["strict", 1]] as const) {
        const file = path.join(dataDir, `${slug}.jsonl`);
        fs.writeFileSync(file, Array.from({ length: n }, (_, i) => JSON.stringify(task(i + 1))).join("\n") + "\n");
        await runCli(dataDir, ["import", file, "--project", slug, "--format", "ranking"]);
      }
    },
  });
  const { signedIn } = e2e;

  it("Enter on the untouched order is refused; a tie shows as one bracketed group; None acceptable greys the order", async () => {
    const page = await signedIn("ann1");
    const rank = new RankPage(page);
    await rank.open("demo");
    await rank.waitTask(4);
    const instruction = await page.getByTestId("task-instruction").textContent();
    await rank.items().first().focus();
    await rank.pressKey("Enter");
    expect(await rank.untouchedWarning()).toMatch(/Not submitted/);
    expect(await page.getByTestId("rank-notice").count()).toBe(0);
    expect(await page.getByTestId("task-instruction").textContent()).toBe(instruction);

    // `t` on the second output ties it with the first: one group of two at rank 1, then two single ranks.
    const shown = markers(await rank.texts());
    await rank.focusByArrows(1);
    await rank.pressKey("t");
    expect(await rank.groups()).toEqual([[shown[0], shown[1]], [shown[2]], [shown[3]]]);
    expect((await rank.tieGroupLabels())[0]).toMatch(/^Tied at rank 1: [A-D] = [A-D]$/);
    expect(await page.getByTestId("rank-position").allTextContents()).toEqual(["1", "1", "2", "3"]);

    await rank.setNoneAcceptable(true);
    expect(await page.getByTestId("rank-list").getAttribute("data-none-acceptable")).toBe("true");
    // Greyed out (opacity eases in over a short transition).
    await expect.poll(() => page.getByTestId("rank-list").evaluate((el) => Number(getComputedStyle(el).opacity))).toBeLessThan(0.6);
    await rank.setNoneAcceptable(false);
    expect(await page.getByTestId("rank-list").getAttribute("data-none-acceptable")).toBeNull();

    await rank.submitByClick();
    await expect.poll(() => rank.notice().catch(() => "")).toMatch(/^Ranking saved/);
  });

  it("a reload keeps the rank draft: order, tie, flag and rationale", async () => {
    const page = await signedIn("ann1");
    const rank = new RankPage(page);
    await rank.open("demo");
    await rank.waitTask(4);
    await rank.items().first().focus();
    await rank.orderByNumberKeys(["Delta", "Charlie", "Bravo", "Alpha"]);
    await rank.focusByArrows(1);
    await rank.pressKey("t");
    await rank.flag("Bravo", "wrong");
    await rank.setRationale("Delta and Charlie both explain it.");
    await rank.waitDraftSaved();
    const instruction = await page.getByTestId("task-instruction").textContent();

    await page.reload();
    await rank.waitTask(4);
    expect(await page.getByTestId("task-instruction").textContent()).toBe(instruction);
    expect(await rank.groups()).toEqual([["Delta", "Charlie"], ["Bravo"], ["Alpha"]]);
    expect(await rank.flagged("Bravo", "wrong")).toBe(true);
    expect(await rank.flagged("Alpha", "wrong")).toBe(false);
    expect(await rank.rationale()).toBe("Delta and Charlie both explain it.");
    // The restored draft counts as touched: it submits as it stands.
    await rank.submitByClick();
    await expect.poll(() => rank.notice().catch(() => "")).toMatch(/^Ranking saved/);
  });

  it("two tabs, one task: the second order is recorded as a revision and says so", async () => {
    const tab1 = await signedIn("ann2");
    const tab2 = await tab1.context().newPage();
    const [r1, r2] = [new RankPage(tab1), new RankPage(tab2)];
    await r1.open("demo");
    await r1.waitTask(4);
    await r2.open("demo");
    await r2.waitTask(4);
    expect(await tab2.getByTestId("task-instruction").textContent()).toBe(await tab1.getByTestId("task-instruction").textContent());

    await r1.items().first().focus();
    await r1.orderByNumberKeys([...M]);
    await r1.pressKey("Enter");
    await expect.poll(() => r1.notice().catch(() => "")).toMatch(/^Ranking saved/);

    const reversed = [...M].reverse();
    await r2.items().first().focus();
    await r2.orderByNumberKeys(reversed);
    await r2.pressKey("Enter");
    await expect.poll(() => r2.notice().catch(() => "")).toMatch(/already been submitted from another tab or device; your ranking replaced it as a revision/);

    // What is stored is what tab 2 was told: My work reopens the reversed order.
    const me = new MyWorkPage(tab1);
    await me.open("demo");
    await me.openRevise();
    expect(markers(await r1.texts())).toEqual(reversed);
  });

  it("two tabs past the revise window: nothing is saved from the second, and it shows the stored order", async () => {
    const tab1 = await signedIn("ann3");
    const tab2 = await tab1.context().newPage();
    const [r1, r2] = [new RankPage(tab1), new RankPage(tab2)];
    await r1.open("strict");
    await r1.waitTask(4);
    await r2.open("strict");
    await r2.waitTask(4);
    const labelOf = Object.fromEntries(
      await r2.items().evaluateAll((els) =>
        els.map((el) => [(el.querySelector('[data-testid="output-text"]')?.textContent ?? "").trim().split(":")[0], (el.querySelector('[data-testid="output-label"]')?.textContent ?? "").replace("Output ", "")]),
      ),
    );
    await r1.items().first().focus();
    await r1.orderByNumberKeys([...M]);
    await r1.pressKey("Enter");
    await r1.waitNoTask();

    await r2.items().first().focus();
    await r2.orderByNumberKeys([...M].reverse());
    await r2.pressKey("Enter");
    const notice = tab2.getByTestId("already-submitted");
    await notice.waitFor();
    expect(await notice.textContent()).toMatch(/Not saved: this task was already submitted from another tab or device/);
    expect((await tab2.getByTestId("stored-order").textContent())!.trim()).toBe(M.map((m) => labelOf[m]).join(" > "));
    expect(await tab2.getByTestId("rank-notice").count()).toBe(0);
    await tab2.getByTestId("stored-next").click();
    await r2.waitNoTask();
  });

  it("the write page shows the guidelines with their table, counts characters, and a reload reopens the draft", async () => {
    const page = await signedIn("ann2");
    const write = new WritePage(page);
    await write.open("demo");
    await page.getByTestId("guidelines").locator("summary").click();
    expect(await page.getByTestId("guidelines").locator("table td").allTextContents()).toEqual(["Unsafe", "harmful advice", "Factually wrong", "a false claim"]);

    await write.fill({ instruction: "x".repeat(20_001) });
    expect(await write.fieldError("instruction")).toBe("Instruction is at most 20,000 characters");
    expect(await write.counter("instruction")).toBe("20,001 / 20,000");

    const draft = { instruction: "Describe the water cycle to a child in three sentences.", input: "", category: "coding", demonstration: "Water **rises** as vapour, cools into clouds, and falls as rain." };
    await write.fill(draft);
    expect(await write.counter("instruction")).toBe(`${draft.instruction.length} / 20,000`);
    expect(await page.getByTestId("error-instruction").count()).toBe(0);
    expect(await write.savedAt()).toMatch(/^Saved /);

    await page.reload();
    await page.getByTestId("write-form").waitFor();
    expect(await write.values()).toEqual(draft);
    await page.getByTestId("draft-reopened").waitFor();
    // A new prompt starts blank; the draft stays listed.
    await page.getByTestId("new-prompt").click();
    await page.waitForURL(/new=1/);
    await expect.poll(() => write.values()).toEqual({ instruction: "", input: "", category: "", demonstration: "" });
    expect(await write.myPrompt("water cycle").getAttribute("data-status")).toBe("draft");
  });
});
