// Annotate and review in Chromium: write → approve by keyboard; three annotators rank one task (keys, drag, keys) → reviewer sees consensus and agreement.
import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { hasChromium, runCli } from "./fixtures";
import { useAppWithPeople } from "./people";
import { MyWorkPage, RankPage, WritePage } from "./pages/annotate";
import { AnnotatorsPage, ReviewQueuePage } from "./pages/review";

const people = {
  admin: { email: "admin@example.test", name: "Ada Admin", role: "admin" },
  reviewer: { email: "rita@example.test", name: "Rita Reviewer", role: "reviewer" },
  ann1: { email: "ann1@example.test", name: "Ann One", role: "annotator" },
  ann2: { email: "ann2@example.test", name: "Ann Two", role: "annotator" },
  ann3: { email: "ann3@example.test", name: "Ann Three", role: "annotator" },
} as const;

const INSTRUCTION = "Explain in simple words why the sky looks blue during the day and red at sunset.";
// Markers that start each output; the test finds outputs by them because each annotator sees a different shuffle.
const M = ["Alpha", "Bravo", "Charlie", "Delta"] as const;
const longDelta = ["Delta: a long answer.", ...Array.from({ length: 30 }, (_, i) => `Line ${i + 1} of a very long reply about scattering.`)].join("\n\n");
const rankingTask = {
  instruction: INSTRUCTION,
  dataset: "e2e",
  outputs: [
    { generator: "m1", output: "Alpha: sunlight scatters off air molecules, and blue light scatters the most (Rayleigh scattering)." },
    { generator: "m2", output: "Bravo: because of scattering.\n\n```python\nprint('blue')\n```" },
    { generator: "m3", output: "Charlie: the sky reflects the ocean." },
    { generator: "m4", output: longDelta },
  ],
};

describe.skipIf(!hasChromium)("annotate and review in Chromium", () => {


  const e2e = useAppWithPeople(people, {
    prepare: async (dataDir) => {
      await runCli(dataDir, ["project", "create", "--slug", "demo", "--name", "Demo", "--k", "4", "--overlap", "3"]);
      const file = path.join(dataDir, "tasks.jsonl");
      fs.writeFileSync(file, JSON.stringify(rankingTask) + "\n");
      await runCli(dataDir, ["import", file, "--project", "demo", "--format", "ranking"]);
    },
  });
  const { signedIn } = e2e;

  it("an annotator writes a prompt with a demonstration; a reviewer approves it with the keyboard", async () => {
    const ann = await signedIn("ann1");
    await ann.getByTestId("nav-annotate").click();
    await ann.getByTestId("project-demo").click();
    await ann.getByTestId("tab-write").click();
    const write = new WritePage(ann);
    await ann.getByTestId("write-form").waitFor();

    // Near-duplicates of the imported task are pointed out; the draft autosaves.
    const mine = "Explain in simple words why the sky looks blue during the day and red at sunset, for a child.";
    await write.fill({ instruction: mine, demonstration: "Sunlight is made of all colours. Air scatters **blue** light the most, so blue comes at us from everywhere." });
    expect((await write.similarPrompts()).join("\n")).toMatch(/sky looks blue[\s\S]*% similar/);
    expect(await write.savedAt()).toMatch(/^Saved \d\d:\d\d:\d\d$/);

    // The draft is listed and reopens with its text.
    await write.open("demo");
    expect(await write.myPrompt("for a child").getAttribute("data-status")).toBe("draft");
    await write.myPrompt("for a child").getByTestId("reopen-draft").click();
    await ann.waitForURL(/draft=/);
    await expect.poll(() => ann.getByTestId("field-instruction").inputValue()).toBe(mine);
    expect(await ann.getByTestId("field-demonstration").inputValue()).toMatch(/scatters \*\*blue\*\*/);

    // Submitting without a category names the field.
    await write.submit();
    expect(await write.fieldError("category")).toMatch(/category/i);
    await write.fill({ category: "open QA" });
    await write.submit();
    await write.waitSubmitted();
    await expect.poll(() => write.myPrompt("for a child").getAttribute("data-status")).toBe("submitted");
    await expect.poll(() => write.myPrompt("for a child").count()).toBe(1);

    const rev = await signedIn("reviewer");
    const queue = new ReviewQueuePage(rev);
    await queue.open("demo", { kind: "prompt" });
    expect(await queue.items().count()).toBe(1);
    const item = queue.selected();
    expect(await item.getByTestId("item-instruction").textContent()).toContain("for a child");
    expect(await item.getByTestId("item-demonstration").locator("strong").textContent()).toBe("blue");
    await queue.press("a");
    expect(await queue.status()).toMatch(/^Approved: Explain in simple words/);
    await queue.empty();

    await write.open("demo");
    expect(await write.myPrompt("for a child").getAttribute("data-status")).toBe("approved");
  });

  it("three annotators rank one task by keys, drag and keys; the reviewer sees their orders, the consensus and Kendall's W", async () => {
    // Ann One and Ann Three agree (Alpha > Bravo > Charlie > Delta); Ann Two reverses it, so W = 1/9 and the prompt stays unsettled.
    const agree = [...M];
    const reverse = [...M].reverse();

    // Ann One: keyboard only, number keys.
    const p1 = await signedIn("ann1");
    const r1 = new RankPage(p1);
    await r1.open("demo");
    await r1.waitTask(4);
    expect(await p1.getByTestId("task-instruction").textContent()).toContain("sky looks blue");
    expect(await p1.getByTestId("task-instruction").textContent()).not.toMatch(/m1|m2|m3|m4/);
    await p1.getByTestId("shortcut-legend").waitFor();
    // Code is highlighted, the long reply is clamped behind "Show more", model names are nowhere.
    await p1.locator(".hljs").first().waitFor();
    const delta = r1.items().nth(await r1.indexOf("Delta"));
    expect(await delta.getByTestId("show-more").textContent()).toBe("Show more");
    expect(await p1.getByTestId("rank-list").textContent()).not.toMatch(/\bm[1-4]\b/);
    await r1.orderByNumberKeys(agree);
    // `t` ties the focused output with the one above; pressed again it unties.
    await r1.pressKey("t");
    expect(await r1.tiedCount()).toBe(1);
    await r1.pressKey("t");
    expect(await r1.tiedCount()).toBe(0);
    await r1.pressKey("Enter");
    await r1.waitNoTask();
    expect(await r1.notice()).toMatch(/Ranking saved/);
    expect(await r1.stillSameDocument()).toBe(true);

    // Ann Two: mouse drag by the handles.
    const p2 = await signedIn("ann2");
    const r2 = new RankPage(p2);
    await r2.open("demo");
    await r2.waitTask(4);
    await r2.orderByDrag(reverse);
    expect((await r2.texts()).map((t) => t.slice(0, t.indexOf(":")))).toEqual(reverse);
    // A shuffle that already was her order needed no drag: she says so (the lazy-ranking guard wants a move, a tie or this).
    await r2.confirmOrder();
    await r2.submitByClick();
    await r2.waitNoTask();
    expect(await r2.stillSameDocument()).toBe(true);

    // Ann Three: keyboard only, Alt+Arrow moves; also rewrites Charlie's reply (it goes to review).
    const p3 = await signedIn("ann3");
    const r3 = new RankPage(p3);
    await r3.open("demo");
    await r3.waitTask(4);
    await r3.rewrite("Charlie", "Charlie: sunlight scatters off the air; blue light scatters most, and at sunset the long path leaves red.");
    await r3.confirmOrder();
    await p3.getByTestId("rank-item").first().focus();
    await r3.orderByAltArrows(agree);
    await r3.pressKey("Enter");
    await r3.waitNoTask();
    expect(await r3.stillSameDocument()).toBe(true);

    // My work: Ann One's figures and a revise link that reopens her order.
    const me = new MyWorkPage(p1);
    await me.open("demo");
    expect(await me.figure("volume")).toBe("1");
    expect(await me.figure("today")).toBe("1");
    expect(await me.figure("agreement")).toBe("1.00");
    await me.openRevise();
    expect((await r1.texts()).map((t) => t.slice(0, t.indexOf(":")))).toEqual(agree);

    // The reviewer: the unsettled ranking with each annotator's order, the consensus and W.
    const rev = await signedIn("reviewer");
    const queue = new ReviewQueuePage(rev);
    await queue.open("demo", { kind: "ranking" });
    expect(await queue.items().count()).toBe(1);
    const f = await queue.rankingFigures(queue.items("ranking").first());
    expect(f.agreement).toBe("0.11");
    expect(f.agreementValue).toBeCloseTo(1 / 9, 4);
    const letters = (markers: readonly string[]) => markers.map(f.letterOf);
    expect(f.consensus).toBe(letters(agree).join(" > "));
    expect(f.orders).toEqual([
      { name: "Ann One", order: letters(agree).join(" > ") },
      { name: "Ann Two", order: letters(reverse).join(" > ") },
      { name: "Ann Three", order: letters(agree).join(" > ") },
    ]);

    // A max-agreement filter below W hides it; the annotators tab has each one's agreement with the consensus.
    await queue.open("demo", { kind: "ranking", maxAgreement: "0.05" });
    await queue.empty();
    const annotators = new AnnotatorsPage(rev);
    await annotators.open("demo");
    expect(await annotators.figures(people.ann1.email)).toEqual({ volume: "1", agreement: "1.00" });
    expect(await annotators.figures(people.ann2.email)).toEqual({ volume: "1", agreement: "-1.00" });
    expect(await annotators.figures(people.ann3.email)).toEqual({ volume: "1", agreement: "1.00" });

    // The rewrite waits in the queue with its diff; rejecting needs a reason.
    await queue.open("demo", { kind: "demonstration" });
    const rewrite = queue.selected();
    expect((await rewrite.getByTestId("rewrite-diff").locator("ins").allTextContents()).join(" ")).toContain("sunlight");
    await queue.press("r");
    await rev.getByTestId("reject-confirm").click();
    expect(await rev.getByTestId("error-reason").textContent()).toMatch(/why/i);
    await rev.getByTestId("reject-reason").fill("Mentions sunset colours the prompt did not ask to contrast.");
    await rev.getByTestId("reject-confirm").click();
    expect(await queue.status()).toMatch(/^Rejected/);

    // Gold from the consensus takes the prompt out of the unsettled queue.
    await queue.open("demo", { kind: "ranking" });
    await queue.selected().getByTestId("set-gold").click();
    expect(await queue.status()).toMatch(/^Set as gold/);
    await queue.open("demo", { kind: "ranking" });
    await queue.empty();

    // Excluding an annotator from consensus is a toggle on the annotators tab.
    await annotators.open("demo");
    const toggle = annotators.row(people.ann2.email).getByTestId("exclude-toggle");
    await toggle.click();
    await expect.poll(() => toggle.textContent()).toBe("Excluded · include");
    expect(await toggle.getAttribute("aria-pressed")).toBe("true");
  });
});
