// Page objects for first-run setup, sign-in, invites and the admin page.
import { expect } from "vitest";
import type { Page } from "playwright-core";

export class SetupPage {
  constructor(private page: Page) {}
  async createAdmin(email: string, name: string, password: string) {
    await this.page.goto("/");
    await this.page.waitForURL("**/setup");
    await this.page.getByTestId("field-email").fill(email);
    await this.page.getByTestId("field-name").fill(name);
    await this.page.getByTestId("field-password").fill(password);
    await this.page.getByTestId("submit").click();
    await this.page.waitForURL("**/login?setup=done");
  }
}

export class LoginPage {
  constructor(private page: Page) {}
  async open() {
    await this.page.goto("/login");
  }
  async signIn(email: string, password: string) {
    await this.open();
    await this.page.getByTestId("field-email").fill(email);
    await this.page.getByTestId("field-password").fill(password);
    await this.page.getByTestId("submit").click();
  }
  async signInAs(email: string, password: string, role: string) {
    await this.signIn(email, password);
    await this.page.getByTestId(`home-${role}`).waitFor();
  }
  async error() {
    const el = this.page.getByTestId("form-error");
    await el.waitFor();
    return el.textContent();
  }
}

export class AdminPage {
  constructor(private page: Page) {}
  async open() {
    await this.page.goto("/admin");
    await this.page.getByTestId("admin-page").waitFor();
  }
  async invite(email: string, role: string): Promise<string> {
    await this.page.getByTestId("field-email").fill(email);
    await this.page.getByTestId("field-role").selectOption(role);
    await this.page.getByTestId("invite-submit").click();
    const link = await this.page.getByTestId("invite-link").textContent();
    expect(link).toMatch(/\/invite\//);
    return link!.trim();
  }
}

export class InvitePage {
  constructor(private page: Page) {}
  async accept(link: string, name: string, password: string) {
    await this.page.goto(link);
    await this.page.getByTestId("field-name").fill(name);
    await this.page.getByTestId("field-password").fill(password);
    await this.page.getByTestId("submit").click();
    await this.page.waitForURL("**/login?invited=done");
  }
}
