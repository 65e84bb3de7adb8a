// XSS in Chromium: payloads in prompts, outputs, generator names and guidelines render inert on the annotator's rank page and the reviewer's queue.
import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import type { BrowserContext, Page } from "playwright-core";
import { hasChromium, newPerson, runCli } from "./fixtures";
import { password, useAppWithPeople } from "./people";
import { LoginPage } from "./pages/auth";
import { RankPage, WritePage } from "./pages/annotate";
import { ReviewQueuePage } from "./pages/review";
import { markdownContaining, unsafeMarkdownNodes, watchContext, xssCorpus, xssPayloads, type Watch } from "../helpers/xss";

const people = {
  reviewer: { email: "rita@example.test", name: "Rita <img src=x onerror=alert(100)>", role: "reviewer" },
  ann1: { email: "ann1@example.test", name: "Ann <script>alert(101)</script>", role: "annotator" },
  ann2: { email: "ann2@example.test", name: "Ann Two", role: "annotator" },
} as const;

// Markers that start each output: annotators see their own shuffle, so outputs are found by them.
const M = ["MarkAlpha", "MarkBravo", "MarkCharlie", "MarkDelta"] as const;
const task = {
  instruction: `Instruction with payloads.\n\n${xssCorpus("instruction")}`,
  input: xssCorpus("input"),
  dataset: "xss",
  outputs: M.map((m, i) => ({ generator: `<img src=x onerror=alert(${200 + i})>`, output: `${m}\n\n${xssCorpus(`output ${i}`)}` })),
};

describe.skipIf(!hasChromium)("XSS payloads render inert", () => {
  const contexts: BrowserContext[] = [];

  async function signedIn(who: keyof typeof people): Promise<{ page: Page; watch: Watch }> {
    const ctx = await newPerson(e2e.browser, e2e.app.baseUrl, { viewport: { width: 1280, height: 1600 } });
    contexts.push(ctx);
    const watch = watchContext(ctx, e2e.app.baseUrl);
    const page = await ctx.newPage();
    await new LoginPage(page).signInAs(people[who].email, password(who), people[who].role);
    return { page, watch };
  }

  /** Lets onerror/onload handlers and image loads happen, then checks the markdown and the listeners. */
  async function expectInert(page: Page, watch: Watch, where: string) {
    await page.waitForTimeout(1000);
    expect(await unsafeMarkdownNodes(page), `${where}: executable markdown`).toEqual([]);
    expect(watch.dialogs, `${where}: dialogs`).toEqual([]);
    expect(watch.offsite, `${where}: requests off the app's origin`).toEqual([]);
  }

  const e2e = useAppWithPeople(people, {
    prepare: async (dataDir) => {
      const guidelines = path.join(dataDir, "guidelines.md");
      fs.writeFileSync(guidelines, `Rank by helpfulness.\n\n${xssCorpus("guidelines")}`);
      // Overlap 2 and agreement 1: two annotators who disagree leave the prompt in the reviewer's queue.
      await runCli(dataDir, ["project", "create", "--slug", "xss", "--name", "XSS", "--k", "4", "--overlap", "2", "--agreement", "1", "--gold-rate", "0", "--guidelines-file", guidelines]);
      const file = path.join(dataDir, "tasks.jsonl");
      fs.writeFileSync(file, JSON.stringify(task) + "\n");
      await runCli(dataDir, ["import", file, "--project", "xss", "--format", "ranking"]);
    },
  });

  it("the rank page: instruction, input, outputs and guidelines", async () => {
    for (const [who, order] of [
      ["ann1", [...M]],
      ["ann2", [...M].reverse()],
    ] as const) {
      const { page, watch } = await signedIn(who);
      const rank = new RankPage(page);
      await rank.open("xss");
      await rank.waitTask(4);
      await page.getByTestId("guidelines").locator("summary").click();
      // Every place the corpus goes was rendered as markdown, with the text of the last payload in it.
      expect(await markdownContaining(page, `instruction payload ${xssPayloads.length}:`)).toBe(1);
      expect(await markdownContaining(page, `input payload ${xssPayloads.length}:`)).toBe(1);
      expect(await markdownContaining(page, `guidelines payload ${xssPayloads.length}:`)).toBe(1);
      for (let i = 0; i < M.length; i++) expect(await markdownContaining(page, `output ${i} payload ${xssPayloads.length}:`)).toBe(1);
      // Payloads are shown as text or inert links, e.g. the markdown link with a javascript: target.
      expect(await page.getByTestId("task-instruction").getByText("click 9", { exact: true }).count()).toBe(1);
      await expectInert(page, watch, `${who} rank page`);
      if (who === "ann2") {
        // Ann One ranked this task already: nothing of hers reaches Ann Two's page before Ann Two submits.
        const html = await page.content();
        for (const secret of [people.ann1.email, people.ann1.name, "consensus", "goldOrder"]) expect(html, `rank page carries ${secret}`).not.toContain(secret);
      }

      // Opening the guidelines took keyboard focus off the outputs.
      await rank.items().first().focus();
      await rank.orderByNumberKeys([...order]);
      await rank.pressKey("Enter");
      await rank.waitNoTask();
      await expectInert(page, watch, `${who} after submitting`);
    }
  });

  it("the checks catch what they look for (a page built to fail them)", async () => {
    const ctx = await newPerson(e2e.browser, e2e.app.baseUrl);
    contexts.push(ctx);
    const watch = watchContext(ctx, e2e.app.baseUrl);
    const page = await ctx.newPage();
    await page.goto("/login");
    await page.evaluate((evil) => {
      const md = document.createElement("div");
      md.className = "md";
      md.innerHTML = `<img src="${evil}/control.png"><a href="javascript:void(0)">x</a><p onclick="1">y</p>`;
      document.body.append(md);
      setTimeout(() => alert("control"), 0);
    }, "http://evil.example");
    await page.waitForTimeout(500);
    expect(await unsafeMarkdownNodes(page)).toEqual(expect.arrayContaining(["<img>", '<a href="javascript:void(0)">', '<p onclick="1">']));
    expect(watch.dialogs).toEqual(["alert: control"]);
    expect(watch.offsite).toEqual(["GET http://evil.example/control.png"]);
  });

  it("the write page and the reviewer's queue: a submitted prompt and the disputed ranking", async () => {
    const { page: ann, watch: annWatch } = await signedIn("ann1");
    const write = new WritePage(ann);
    await write.open("xss");
    await write.fill({ instruction: `Written with payloads.\n\n${xssCorpus("written")}`, input: xssCorpus("written input"), category: "open QA", demonstration: xssCorpus("demonstration") });
    await write.submit();
    await write.waitSubmitted();
    await expectInert(ann, annWatch, "write page");

    const { page, watch } = await signedIn("reviewer");
    const queue = new ReviewQueuePage(page);
    await queue.open("xss");
    await expect.poll(() => queue.items("prompt").count()).toBe(1);
    await expect.poll(() => queue.items("ranking").count()).toBe(1);
    expect(await markdownContaining(page, `written payload ${xssPayloads.length}:`)).toBeGreaterThanOrEqual(1);
    expect(await markdownContaining(page, `demonstration payload ${xssPayloads.length}:`)).toBeGreaterThanOrEqual(1);
    expect(await markdownContaining(page, `instruction payload ${xssPayloads.length}:`)).toBe(1);
    for (let i = 0; i < M.length; i++) expect(await markdownContaining(page, `output ${i} payload ${xssPayloads.length}:`)).toBe(1);
    await expectInert(page, watch, "review queue");

    // Selecting each item renders its decision panel and the annotators' names (payloads in them too).
    // Clicked in the card's padding: a click on the text could follow one of the (inert) links.
    await queue.items("ranking").click({ position: { x: 4, y: 4 } });
    await page.locator('[data-testid="queue-item"][data-kind="ranking"][data-selected="true"]').waitFor();
    expect(await page.getByTestId("annotator-name").allTextContents()).toContain(people.ann1.name);
    await queue.items("prompt").click({ position: { x: 4, y: 4 } });
    await page.locator('[data-testid="queue-item"][data-kind="prompt"][data-selected="true"]').waitFor();
    await expectInert(page, watch, "review queue, items selected");
  });
});
