// Page object for Models › Evaluation: the category × version table and the charts across versions.
import type { Page } from "playwright-core";

const text = (s: string | null) => (s ?? "").replace(/\s+/g, " ").trim();

export class EvaluationPage {
  constructor(private page: Page) {}
  /** From the project's Models page, by its Evaluation link. */
  async openFromModels(slug: string) {
    await this.page.goto(`/models/${slug}`);
    await this.page.getByTestId("evaluation-link").click();
    await this.page.waitForURL(new RegExp(`/evaluation/${slug}$`));
    await this.page.getByTestId("evaluation-page").waitFor();
  }
  async versions() {
    return (await this.page.getByTestId("evaluation-table").locator("thead").getByTestId("version-label").allTextContents()).map(text);
  }
  /** The label of the version whose column carries the active badge. */
  async active() {
    const head = this.page.locator('th[data-testid^="version-head-"]').filter({ has: this.page.getByTestId("active-badge") });
    return text(await head.getByTestId("version-label").textContent());
  }
  private cell(version: string, category: string) {
    return this.page.getByTestId(`cell-${version}-${category}`);
  }
  /** A win-rate line ("vs v1 62% [51, 73] n=20 ▲") and its mark (improved, regressed or none). */
  async win(version: string, category: string, against: "previous" | "active") {
    const el = this.cell(version, category).getByTestId(`win-${against}`);
    return { text: text(await el.textContent()), mark: await el.getAttribute("data-mark") };
  }
  async loss(version: string, category: string) {
    const el = this.cell(version, category).getByTestId("loss");
    return { text: text(await el.textContent()), mark: await el.getAttribute("data-mark") };
  }
  async length(version: string, category: string) {
    return text(await this.cell(version, category).getByTestId("length").textContent());
  }
  /** Both recharts line charts have drawn their lines. */
  async chartsDrawn() {
    for (const id of ["loss-chart", "win-chart"]) await this.page.getByTestId(id).locator(".recharts-line-curve").first().waitFor();
  }
}
