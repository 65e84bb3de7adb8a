// Page objects for first-run setup, sign-in, invites and the admin page (invites, copy, revoke, confirmed role changes).
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
    await this.submit(email, password);
  }
  /** Fills and sends the form already on screen (e.g. after a redirect that carries a callbackUrl). */
  async submit(email: string, password: string) {
    await this.page.getByTestId("login-form").waitFor();
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
    const shown = this.page.getByTestId("invite-link");
    const before = (await shown.count()) > 0 ? await shown.textContent() : null;
    await this.page.getByTestId("field-email").fill(email);
    await this.page.getByTestId("field-role").selectOption(role);
    await this.page.getByTestId("invite-submit").click();
    // A second invite in a row replaces the link on screen: wait for the new one.
    await expect.poll(() => this.page.getByTestId("invite-link").textContent()).not.toBe(before);
    const link = await this.page.getByTestId("invite-link").textContent();
    expect(link).toMatch(/\/invite\//);
    return link!.trim();
  }
  pendingInvites() {
    return this.page.getByTestId("pending-invite");
  }
  async pendingInvite(email: string) {
    return this.page.locator(`[data-testid="pending-invite"][data-email="${email}"]`);
  }
  async revokeInvite(email: string) {
    await (await this.pendingInvite(email)).getByTestId("invite-revoke").click();
    await expect.poll(async () => (await this.pendingInvite(email)).count()).toBe(0);
  }
  userRow(email: string) {
    return this.page.getByTestId(`user-row-${email}`);
  }
  /** Picks a role in the menu; the change waits for a confirmation, which `confirm` gives or cancels. */
  async changeRole(email: string, role: string, confirm: boolean) {
    const row = this.userRow(email);
    await row.getByTestId("user-role").selectOption(role);
    await row.getByTestId("role-confirm").waitFor();
    await row.getByTestId(confirm ? "role-confirm-yes" : "role-confirm-no").click();
    await row.getByTestId("role-confirm").waitFor({ state: "detached" });
  }
}

export class InvitePage {
  constructor(private page: Page) {}
  /** Creates the account; it is then signed in, on its home page. */
  async accept(link: string, name: string, password: string) {
    await this.page.goto(link);
    await this.page.getByTestId("field-name").fill(name);
    await this.page.getByTestId("field-password").fill(password);
    await this.page.getByTestId("submit").click();
    await this.page.locator('[data-testid^="home-"]').waitFor();
  }
  async invalid(link: string): Promise<string> {
    await this.page.goto(link);
    return (await this.page.getByTestId("invite-invalid").textContent())!.trim();
  }
}
