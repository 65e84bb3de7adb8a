// Page objects for reviewers: the queue (filters, keyboard decisions, ranking consensus) and the annotators table.
import type { Locator, Page } from "playwright-core";

export class ReviewQueuePage {
  constructor(private page: Page) {}
  async open(slug: string, filters: Record<string, string> = {}) {
    const qs = new URLSearchParams(filters).toString();
    await this.page.goto(`/review/${slug}${qs ? `?${qs}` : ""}`);
    await this.page.getByTestId("review-queue-page").waitFor();
  }
  items(kind?: string): Locator {
    return this.page.locator(kind ? `[data-testid="queue-item"][data-kind="${kind}"]` : '[data-testid="queue-item"]');
  }
  selected(): Locator {
    return this.page.locator('[data-testid="queue-item"][data-selected="true"]');
  }
  async press(key: string) {
    await this.page.keyboard.press(key);
  }
  async status(): Promise<string> {
    const el = this.page.getByTestId("queue-status");
    await el.waitFor();
    return (await el.textContent())!.trim();
  }
  async empty() {
    await this.page.getByTestId("queue-empty").waitFor();
  }
  /** A ranking item's figures as shown: agreement text, consensus letters, each annotator's order, letter → output text. */
  async rankingFigures(item: Locator) {
    const labels = await item.getByTestId("item-output-label").allTextContents();
    const texts = await item.getByTestId("item-output").allTextContents();
    const orders = await item.getByTestId("annotator-order").evaluateAll((els) =>
      els.map((el) => ({
        name: el.querySelector('[data-testid="annotator-name"]')!.textContent.trim(),
        order: el.querySelector('[data-testid="annotator-order-value"]')!.textContent.trim(),
      })),
    );
    return {
      agreement: (await item.getByTestId("agreement").textContent())!.trim(),
      agreementValue: Number(await item.getByTestId("agreement").getAttribute("data-value")),
      consensus: (await item.getByTestId("consensus-order").textContent())!.trim(),
      orders,
      letterOf: (marker: string) => labels[texts.findIndex((t) => t.includes(marker))].trim(),
    };
  }
}

export class AnnotatorsPage {
  constructor(private page: Page) {}
  async open(slug: string) {
    await this.page.goto(`/review/${slug}/annotators`);
    await this.page.getByTestId("annotators-table").waitFor();
  }
  row(email: string): Locator {
    return this.page.getByTestId(`annotator-row-${email}`);
  }
  async figures(email: string) {
    const row = this.row(email);
    return {
      volume: (await row.getByTestId("annotator-volume").textContent())!.trim(),
      agreement: (await row.getByTestId("annotator-agreement").textContent())!.trim(),
    };
  }
}
