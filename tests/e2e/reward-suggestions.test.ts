// Reward-model suggestions (#19) in Chromium. Set up through the CLI as tests/integration/reward-model.test.ts does:
// hh-rlhf preference pairs imported, a tiny reward model trained by a real run of stage rm (`tuneloop retrain --stage rm
// --wait`), whose registration queues the score job that the served app's job runner then runs. The reviewer sees
// "Reward model vN suggests: … (margin …)" beside a ranking in the queue; an annotator never sees a suggestion before
// submitting, nor after with the project's showSuggestionsAfterSubmit off; with it on (ticked on the project form) the
// rank page shows the reward model's order and margin after the submit and on the revise screen.
import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import type { Page } from "playwright-core";
import { hasChromium, runCli } from "./fixtures";
import { useAppWithPeople } from "./people";
import { MyWorkPage, RankPage } from "./pages/annotate";
import { ReviewQueuePage } from "./pages/review";

const people = {
  boss: { email: "boss@example.test", name: "Boss", role: "admin" },
  rita: { email: "rita@example.test", name: "Rita", role: "reviewer" },
  ann1: { email: "ann1@example.test", name: "Ann One", role: "annotator" },
  ann2: { email: "ann2@example.test", name: "Ann Two", role: "annotator" },
} as const;

/** Two outputs a task: the prompts annotators rank. */
const task = (n: number) => ({
  instruction: `Question ${n}: how often should I water a cactus?`,
  dataset: "e2e",
  outputs: [
    { generator: "m0", output: `Alpha: about once every two weeks in summer, less in winter (${n}).` },
    { generator: "m1", output: `Bravo: every day, as much as it will take (${n}).` },
  ],
});

/** Six hh-rlhf transcripts: the preference pairs the reward model trains on (as in the integration test). */
const pairs = Array.from({ length: 6 }, (_, i) => ({
  chosen: `\n\nHuman: How do I care for plant number ${i}?\n\nAssistant: Water it weekly and give it light.`,
  rejected: `\n\nHuman: How do I care for plant number ${i}?\n\nAssistant: Ignore it.`,
}));

/** Just after a submit, above the next task: the line says which ranking it is about. */
const SAVED = /^For the ranking you just saved, the reward model's order: ([AB]) > ([AB]), margin (\d+\.\d\d)$/;
/** On the revise screen, beside the outputs it names. */
const REVISE = /^The reward model's order: ([AB]) > ([AB]), margin (\d+\.\d\d)$/;

/**
 * Ranks the task on screen and submits by click: as shown (ticking "this order is right"), or, given `last`, with the
 * output containing it last (by number keys). Returns the text of the output ranked first.
 */
async function rankTask(page: Page, last?: string): Promise<string> {
  const rank = new RankPage(page);
  await rank.waitTask(2);
  const texts = (await rank.texts()).map((t) => t.trim());
  if (last === undefined) await page.getByTestId("confirm-order").check();
  else {
    const other = texts.find((t) => !t.includes(last))!;
    await rank.items().first().focus();
    await rank.orderByNumberKeys([other, last]);
  }
  await rank.submitByClick();
  await page.getByTestId("rank-notice").waitFor();
  return last === undefined ? texts[0] : texts.find((t) => !t.includes(last))!;
}

async function instructionOf(page: Page): Promise<string> {
  return (await page.getByTestId("task-instruction").textContent())!.trim();
}

/** The revise screen of the person's ranking of the prompt whose instruction is given. */
async function openReviseOf(page: Page, instruction: string) {
  await new MyWorkPage(page).open("demo");
  await page.getByTestId("my-ranking").filter({ hasText: instruction }).getByTestId("revise-link").click();
  await page.locator('[data-testid="rank-task"][data-mode="revise"]').waitFor();
}

async function setSuggestionsAfterSubmit(page: Page, on: boolean) {
  await page.goto("/admin/projects/demo");
  await page.getByTestId("field-showSuggestionsAfterSubmit").setChecked(on);
  await page.getByTestId("project-save").click();
  await page.getByTestId("project-saved").waitFor();
}

describe.skipIf(!hasChromium)("reward-model suggestions in Chromium", () => {
  const e2e = useAppWithPeople(people, {
    // Ten CLI runs and a training run: minutes each when the machine is busy.
    timeout: 1_200_000,
    prepare: async (dataDir) => {
      // Two rankings a prompt: two that disagree leave it unsettled, in the review queue (which lists prompts at maxOverlap).
      await runCli(dataDir, ["project", "create", "--slug", "demo", "--name", "Demo", "--k", "2", "--overlap", "2", "--min-overlap", "2", "--max-overlap", "2", "--agreement", "0.5"]);
      const pairsFile = path.join(dataDir, "pairs.jsonl");
      fs.writeFileSync(pairsFile, pairs.map((r) => JSON.stringify(r)).join("\n") + "\n");
      await runCli(dataDir, ["import", pairsFile, "--project", "demo"]);
      const tasks = path.join(dataDir, "tasks.jsonl");
      fs.writeFileSync(tasks, [1, 2, 3].map((n) => JSON.stringify(task(n))).join("\n") + "\n");
      await runCli(dataDir, ["import", tasks, "--project", "demo", "--format", "ranking"]);
      // The real job path: a run of stage rm on the tiny base, waited for; its version's score job runs once the app serves.
      await runCli(dataDir, ["retrain", "--project", "demo", "--stage", "rm", "--base", "tiny", "--steps", "2", "--wait"]);
    },
  });

  it("the reviewer sees the suggestion in the queue; annotators see it only after submitting, and only with the setting on", async () => {
    const [ann1, ann2] = await Promise.all([e2e.signedIn("ann1"), e2e.signedIn("ann2")]);

    // Two annotators disagree on one prompt, with the setting off (the default): never a suggestion, before or after.
    await new RankPage(ann1).open("demo");
    await new RankPage(ann1).waitTask(2);
    const prompt = await instructionOf(ann1);
    expect(await ann1.getByTestId("rank-suggestion").count()).toBe(0);
    const top = await rankTask(ann1);
    expect(await ann1.getByTestId("rank-suggestion").count()).toBe(0);
    await new RankPage(ann2).open("demo");
    await new RankPage(ann2).waitTask(2);
    expect(await instructionOf(ann2)).toBe(prompt);
    await rankTask(ann2, top);
    expect(await ann2.getByTestId("rank-suggestion").count()).toBe(0);

    // The reviewer's queue: the unsettled prompt with the reward model's suggestion beside it, once the score job has run.
    const rita = await e2e.signedIn("rita");
    const queue = new ReviewQueuePage(rita);
    await expect
      .poll(
        async () => {
          await queue.open("demo", { kind: "ranking" });
          return queue.items("ranking").filter({ hasText: prompt }).getByTestId("suggestion").count();
        },
        { timeout: 420_000, interval: 3_000 },
      )
      .toBe(1);
    const item = queue.items("ranking").filter({ hasText: prompt });
    expect((await item.getByTestId("suggestion").textContent())!.replace(/\s+/g, " ").trim()).toMatch(/^Reward model v\d+ suggests: ([AB]) > (?!\1)[AB] \(margin -?\d+\.\d\d\)$/);
    const margin = Number(await item.getByTestId("suggestion-margin").getAttribute("data-value"));
    expect(Number.isFinite(margin)).toBe(true);

    // Scores exist now (every open prompt's), the setting is still off: ann1's next task shows nothing before or after
    // the submit, nor on its revise screen.
    await new RankPage(ann1).open("demo");
    await new RankPage(ann1).waitTask(2);
    const second = await instructionOf(ann1);
    expect(second).not.toBe(prompt);
    expect(await ann1.getByTestId("rank-suggestion").count()).toBe(0);
    await rankTask(ann1);
    expect(await ann1.getByTestId("rank-suggestion").count()).toBe(0);
    await openReviseOf(ann1, second);
    expect(await ann1.getByTestId("rank-suggestion").count()).toBe(0);

    // The admin ticks "Annotators see the reward model's suggested order after they submit".
    const boss = await e2e.signedIn("boss");
    await setSuggestionsAfterSubmit(boss, true);

    // ann2's next task: no suggestion on it; after the submit, the order in the task's letters and the margin.
    await new RankPage(ann2).open("demo");
    await new RankPage(ann2).waitTask(2);
    const third = await instructionOf(ann2);
    expect(await ann2.getByTestId("rank-suggestion").count()).toBe(0);
    await rankTask(ann2);
    const line = ann2.getByTestId("rank-suggestion");
    await line.waitFor();
    const shown = (await line.textContent())!.trim().match(SAVED);
    expect(shown, (await line.textContent()) ?? "").not.toBeNull();
    expect(shown![1]).not.toBe(shown![2]);
    expect(await ann2.getByTestId("rank-suggestion-order").textContent()).toBe(`${shown![1]} > ${shown![2]}`);
    expect((await line.getAttribute("title")) ?? "").toMatch(/^Reward model v\d+/);

    // The revise screen carries it too, before any change: for that task the same order and margin (ann2 kept the order
    // as shown, so the revise screen's letters are the lease's), and now for ann1's second task (whose ranking is in).
    await openReviseOf(ann2, third);
    const revised = (await ann2.getByTestId("rank-suggestion").textContent())!.trim().match(REVISE);
    expect(revised, (await ann2.getByTestId("rank-suggestion").textContent()) ?? "").not.toBeNull();
    expect(revised!.slice(1)).toEqual(shown!.slice(1));
    expect((await ann2.getByTestId("rank-suggestion").getAttribute("title")) ?? "").toMatch(/^Reward model v\d+/);
    await openReviseOf(ann1, second);
    expect((await ann1.getByTestId("rank-suggestion").textContent())!.trim()).toMatch(REVISE);

    // Off again: the revise screen shows none.
    await setSuggestionsAfterSubmit(boss, false);
    await openReviseOf(ann2, third);
    expect(await ann2.getByTestId("rank-suggestion").count()).toBe(0);
  }, 900_000);
});
