// Page objects for task diversity (Review › Diversity, with the admin's settings) and Annotate › From a seed.
import type { Page } from "playwright-core";

export class DiversityPage {
  constructor(private page: Page) {}
  async open(slug: string) {
    await this.page.goto(`/review/${slug}/diversity`);
    await this.page.getByTestId("diversity-page").waitFor();
  }
  async summary() {
    return (await this.page.getByTestId("diversity-summary").textContent())!.replace(/\s+/g, " ").trim();
  }
  /** The verb rows as shown: verb, count and "object (n)" list. */
  async verbs(): Promise<Array<{ verb: string; count: number; objects: string }>> {
    return this.page.getByTestId("verb-table").locator("tr").evaluateAll((rows) =>
      rows.map((r) => {
        const cells = [...r.querySelectorAll("td")].map((c) => c.textContent.trim());
        return { verb: cells[0], count: Number(cells[1]), objects: cells[2] };
      }),
    );
  }
  async categoryRow(category: string) {
    return (await this.page.getByTestId(`category-row-${category}`).textContent())!.replace(/\s+/g, " ").trim();
  }
  async setTargets(lines: string) {
    await this.page.getByTestId("field-categoryTargets").fill(lines);
    await this.page.getByTestId("diversity-save").click();
  }
  async targetsError() {
    const el = this.page.getByTestId("error-categoryTargets");
    await el.waitFor();
    return (await el.textContent())!.trim();
  }
  async saved() {
    await this.page.getByTestId("diversity-saved").waitFor();
  }
}

export class SeedPage {
  constructor(private page: Page) {}
  async open(slug: string, k: number) {
    await this.page.goto(`/annotate/${slug}/seed?k=${k}`);
    await this.page.getByTestId("seed-page").waitFor();
  }
  async seeds(): Promise<string[]> {
    return this.page.getByTestId("seed-task").evaluateAll((items) => items.map((li) => li.querySelector("p")!.textContent.trim()));
  }
  async write(task: { instruction: string; category: string; demonstration?: string }) {
    await this.page.getByTestId("field-instruction").fill(task.instruction);
    await this.page.getByTestId("field-category").selectOption(task.category);
    if (task.demonstration) await this.page.getByTestId("field-demonstration").fill(task.demonstration);
    await this.page.getByTestId("seed-submit").click();
  }
  async instructionError() {
    const el = this.page.getByTestId("error-instruction");
    await el.waitFor();
    return (await el.textContent())!.trim();
  }
  async submitted() {
    await this.page.getByTestId("seed-submitted").waitFor();
  }
}
