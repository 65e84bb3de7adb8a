// Page objects for annotators: the Write tab (drafts, duplicates, counters, submit), the Rank tab (keyboard, drag, ties,
// drafts, the lazy-ranking guard), My work.
import { expect } from "vitest";
import type { Locator, Page } from "playwright-core";

export class WritePage {
  constructor(private page: Page) {}
  async open(slug: string) {
    await this.page.goto(`/annotate/${slug}/write`);
    await this.page.getByTestId("write-form").waitFor();
  }
  async fill(v: { instruction?: string; input?: string; category?: string; demonstration?: string }) {
    if (v.instruction !== undefined) await this.page.getByTestId("field-instruction").fill(v.instruction);
    if (v.input !== undefined) await this.page.getByTestId("field-input").fill(v.input);
    if (v.category !== undefined) await this.page.getByTestId("field-category").selectOption(v.category);
    if (v.demonstration !== undefined) await this.page.getByTestId("field-demonstration").fill(v.demonstration);
  }
  /** The "Saved hh:mm:ss" line the autosave shows. */
  async savedAt(): Promise<string> {
    const el = this.page.getByTestId("saved-at");
    await el.waitFor();
    return (await el.textContent())!.trim();
  }
  async values(): Promise<{ instruction: string; input: string; category: string; demonstration: string }> {
    const v = (f: string) => this.page.getByTestId(`field-${f}`).inputValue();
    return { instruction: await v("instruction"), input: await v("input"), category: await v("category"), demonstration: await v("demonstration") };
  }
  async counter(field: "instruction" | "input" | "demonstration"): Promise<string> {
    return (await this.page.getByTestId(`count-${field}`).textContent())!.trim();
  }
  async similarPrompts(): Promise<string[]> {
    await this.page.getByTestId("similar-prompts").waitFor();
    return this.page.getByTestId("similar-prompt").allTextContents();
  }
  async submit() {
    await this.page.getByTestId("submit-prompt").click();
  }
  async fieldError(field: string): Promise<string> {
    const el = this.page.getByTestId(`error-${field}`);
    await el.waitFor();
    return (await el.textContent())!.trim();
  }
  async waitSubmitted() {
    await this.page.getByTestId("prompt-submitted").waitFor();
  }
  myPrompt(text: string): Locator {
    return this.page.getByTestId("my-prompt").filter({ hasText: text });
  }
}

export class RankPage {
  constructor(private page: Page) {}
  items(): Locator {
    return this.page.getByTestId("rank-item");
  }
  async open(slug: string) {
    await this.page.goto(`/annotate/${slug}/rank`);
    // Set once per document: if it survives a submit, the next task came without a full page load.
    await this.page.evaluate(() => ((window as unknown as { __sameDocument: boolean }).__sameDocument = true));
  }
  async stillSameDocument(): Promise<boolean> {
    return this.page.evaluate(() => (window as unknown as { __sameDocument?: boolean }).__sameDocument === true);
  }
  async waitTask(count: number) {
    await this.page.getByTestId("rank-task").waitFor();
    await expect.poll(() => this.items().count()).toBe(count);
  }
  async texts(): Promise<string[]> {
    return this.items().locator('[data-testid="output-text"]').allTextContents();
  }
  /** Index of the output whose text contains `marker`. */
  async indexOf(marker: string): Promise<number> {
    const i = (await this.texts()).findIndex((t) => t.includes(marker));
    expect(i, `output "${marker}"`).toBeGreaterThanOrEqual(0);
    return i;
  }
  async focusedIndex(): Promise<number> {
    return this.page.evaluate(() => [...document.querySelectorAll('[data-testid="rank-item"]')].indexOf(document.activeElement as Element));
  }
  /** Moves keyboard focus onto output `to` with ArrowUp/ArrowDown only. */
  async focusByArrows(to: number) {
    let at = await this.focusedIndex();
    expect(at, "an output has keyboard focus").toBeGreaterThanOrEqual(0);
    while (at !== to) {
      await this.page.keyboard.press(at < to ? "ArrowDown" : "ArrowUp");
      at = await this.focusedIndex();
    }
  }
  /** Keyboard only: for each rank, focus the output by arrows and press its rank number. */
  async orderByNumberKeys(markers: string[]) {
    for (let rank = 0; rank < markers.length; rank++) {
      await this.focusByArrows(await this.indexOf(markers[rank]));
      await this.page.keyboard.press(String(rank + 1));
      await expect.poll(() => this.indexOf(markers[rank])).toBe(rank);
    }
  }
  /** Keyboard only: Alt+ArrowUp/Down moves the focused output one place at a time. */
  async orderByAltArrows(markers: string[]) {
    for (let rank = 0; rank < markers.length; rank++) {
      let at = await this.indexOf(markers[rank]);
      await this.focusByArrows(at);
      while (at > rank) {
        await this.page.keyboard.press("Alt+ArrowUp");
        await expect.poll(() => this.indexOf(markers[rank])).toBe(at - 1);
        at--;
      }
    }
  }
  /** Mouse only: drag each output by its handle onto the slot it belongs in. */
  async orderByDrag(markers: string[]) {
    for (let rank = 0; rank < markers.length; rank++) {
      const from = await this.indexOf(markers[rank]);
      if (from === rank) continue;
      const handle = this.items().nth(from).getByTestId("drag-handle");
      const h = (await handle.boundingBox())!;
      const s = (await this.items().nth(from).boundingBox())!;
      const t = (await this.items().nth(rank).boundingBox())!;
      // dnd-kit drops where the dragged card's centre lands (closestCenter), so move by centre-to-centre.
      const dy = t.y + t.height / 2 - (s.y + s.height / 2);
      const [x, y] = [h.x + h.width / 2, h.y + h.height / 2];
      await this.page.mouse.move(x, y);
      await this.page.mouse.down();
      await this.page.mouse.move(x, y + Math.sign(dy) * 8, { steps: 4 });
      await this.page.mouse.move(x, y + dy, { steps: 20 });
      await this.page.mouse.up();
      await expect.poll(() => this.indexOf(markers[rank])).toBe(rank);
      // Let the drop animation settle before measuring boxes again.
      await this.page.waitForTimeout(300);
    }
  }
  async pressKey(key: string) {
    await this.page.keyboard.press(key);
  }
  async tiedCount(): Promise<number> {
    return this.page.locator('[data-testid="rank-item"][data-tied="true"]').count();
  }
  /** Rank groups as shown, best first: each group the markers (text before ":") of its outputs. */
  async groups(): Promise<string[][]> {
    return this.page.getByTestId("rank-group").evaluateAll((els) =>
      els.map((g) => [...g.querySelectorAll('[data-testid="output-text"]')].map((t) => (t.textContent ?? "").trim().split(":")[0])),
    );
  }
  async tieGroupLabels(): Promise<string[]> {
    return this.page.getByTestId("tie-group-label").allTextContents();
  }
  /** Ticks "This order is right as shown", the explicit answer to the lazy-ranking guard. */
  async confirmOrder() {
    await this.page.getByTestId("confirm-order").check();
  }
  async setNoneAcceptable(on: boolean) {
    await this.page.getByTestId("none-acceptable").setChecked(on);
  }
  async flag(marker: string, flag: string) {
    await this.items().nth(await this.indexOf(marker)).getByTestId(`flag-${flag}`).check();
  }
  async flagged(marker: string, flag: string): Promise<boolean> {
    return this.items().nth(await this.indexOf(marker)).getByTestId(`flag-${flag}`).isChecked();
  }
  async setRationale(text: string) {
    await this.page.getByTestId("field-rationale").fill(text);
  }
  async rationale(): Promise<string> {
    return this.page.getByTestId("field-rationale").inputValue();
  }
  /** Waits until the lease's draft holds the last change. */
  async waitDraftSaved() {
    await this.page.locator('[data-testid="rank-draft"][data-state="saved"]').waitFor();
  }
  async untouchedWarning(): Promise<string | null> {
    const el = this.page.getByTestId("error-untouched");
    return (await el.count()) ? (await el.textContent())!.trim() : null;
  }
  async submitByClick() {
    await this.page.getByTestId("submit-ranking").click();
  }
  async waitNoTask() {
    await this.page.getByTestId("no-task").waitFor();
  }
  async notice(): Promise<string> {
    return (await this.page.getByTestId("rank-notice").textContent())!.trim();
  }
  /** "Edit this reply" on the output containing `marker`. */
  async rewrite(marker: string, text: string) {
    const item = this.items().nth(await this.indexOf(marker));
    await item.getByTestId("edit-reply").click();
    await item.getByTestId("rewrite-text").fill(text);
    await item.getByTestId("rewrite-save").click();
    await item.getByTestId("rewrite-done").waitFor();
  }
}

export class MyWorkPage {
  constructor(private page: Page) {}
  async open(slug: string) {
    await this.page.goto(`/annotate/${slug}/me`);
    await this.page.getByTestId("me-page").waitFor();
  }
  async figure(key: "today" | "volume" | "agreement" | "gold" | "median-time"): Promise<string> {
    return (await this.page.getByTestId(`me-${key}`).textContent())!.trim();
  }
  async openRevise() {
    await this.page.getByTestId("revise-link").first().click();
    await this.page.locator('[data-testid="rank-task"][data-mode="revise"]').waitFor();
  }
}
