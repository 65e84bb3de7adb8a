// Sign-in and invites in Chromium: back to the requested page after sign-in (never off the site), invite links copied,
// replaced and revoked, accepting signs the person in, role changes wait for a confirmation, and no 404 favicon.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Browser, Page } from "playwright-core";
import { hasChromium, launchBrowser, newPerson, runCli, startApp, type App } from "./fixtures";
import { addPeople, signedInPage } from "./people";
import { AdminPage, InvitePage, LoginPage } from "./pages/auth";

const people = { admin: { email: "admin@example.test", name: "Ada Admin", role: "admin" } } as const;
const password = () => "admin password 123";

describe.skipIf(!hasChromium)("sign-in and invites in Chromium", () => {
  let app: App;
  let browser: Browser;

  const anonymous = async (): Promise<Page> => (await newPerson(browser, app.baseUrl)).newPage();

  beforeAll(async () => {
    [app, browser] = await Promise.all([
      startApp({
        prepare: async (dataDir) => {
          await addPeople(dataDir, people, password);
          await runCli(dataDir, ["project", "create", "--slug", "demo", "--name", "Demo"]);
        },
      }),
      launchBrowser(),
    ]);
  }, 300_000);
  afterAll(async () => {
    await browser?.close();
    await app?.stop();
  });

  it("returns to the requested page after sign-in, and never to another site", async () => {
    const page = await anonymous();
    await page.goto("/admin/projects/demo?tab=settings");
    const at = new URL(page.url());
    expect(at.pathname).toBe("/login");
    expect(at.searchParams.get("callbackUrl")).toBe("/admin/projects/demo?tab=settings");
    await new LoginPage(page).submit(people.admin.email, password());
    await page.waitForURL((u) => u.pathname === "/admin/projects/demo");
    expect(new URL(page.url()).search).toBe("?tab=settings");

    // Signed in already: the sign-in page forwards to the callback at once.
    await page.goto("/login?callbackUrl=%2Freview");
    await page.waitForURL((u) => u.pathname === "/review");

    for (const evil of ["https://evil.example/", "//evil.example/x", "/\\evil.example", "javascript:alert(1)"]) {
      const p = await anonymous();
      await p.goto(`/login?callbackUrl=${encodeURIComponent(evil)}`);
      await new LoginPage(p).submit(people.admin.email, password());
      await p.getByTestId("home-admin").waitFor();
      expect(new URL(p.url()).origin, evil).toBe(app.baseUrl);
      expect(new URL(p.url()).pathname, evil).toBe("/");
      await p.context().close();
    }
  });

  it("invite links: copy, a second invite replaces the first, revoke; accepting signs in; role changes are confirmed", async () => {
    const adminPage = await signedInPage(browser, app, people.admin, password());
    await adminPage.context().grantPermissions(["clipboard-read", "clipboard-write"], { origin: app.baseUrl });
    const admin = new AdminPage(adminPage);
    await admin.open();

    // The link is copied to the clipboard as shown.
    const first = await admin.invite("ann@example.test", "reviewer");
    await adminPage.getByTestId("invite-copy").click();
    await expect.poll(() => adminPage.getByTestId("invite-copy").textContent()).toBe("Copied");
    expect(await adminPage.evaluate(() => navigator.clipboard.readText())).toBe(first);
    expect(await adminPage.getByTestId("invite-copy").getAttribute("data-value")).toBe(first);

    // A second invite to the same address replaces the first: one pending row, the old link withdrawn.
    const second = await admin.invite("ANN@example.test", "annotator");
    expect(second).not.toBe(first);
    await adminPage.getByTestId("invite-replaced").waitFor();
    await expect.poll(async () => (await admin.pendingInvite("ann@example.test")).textContent()).toContain("annotator");
    expect(await (await admin.pendingInvite("ann@example.test")).count()).toBe(1);

    // Revoking a pending invite takes it off the list and kills its link.
    const bob = await admin.invite("bob@example.test", "reviewer");
    await admin.revokeInvite("bob@example.test");
    await adminPage.reload();
    expect(await (await admin.pendingInvite("bob@example.test")).count()).toBe(0);

    const visitor = new InvitePage(await anonymous());
    expect(await visitor.invalid(first)).toMatch(/withdrawn/);
    expect(await visitor.invalid(bob)).toMatch(/withdrawn/);

    // Accepting the live invite creates the account and signs Ann in, with the right article for her role.
    const annPage = await anonymous();
    await new InvitePage(annPage).accept(second, "Ann Notator", "annotator password 1");
    await annPage.getByTestId("home-annotator").waitFor();
    expect(await annPage.getByTestId("home-annotator").textContent()).toContain("You are signed in as an annotator.");
    expect(await annPage.getByTestId("whoami").textContent()).toContain("Ann Notator");

    // A role change waits for a confirmation; cancelling leaves the role as it was.
    await admin.open();
    expect(await (await admin.pendingInvite("ann@example.test")).count()).toBe(0);
    await admin.changeRole("ann@example.test", "reviewer", false);
    expect(await admin.userRow("ann@example.test").getByTestId("user-role").inputValue()).toBe("annotator");
    await adminPage.reload();
    expect(await admin.userRow("ann@example.test").getByTestId("user-role").inputValue()).toBe("annotator");
    await admin.changeRole("ann@example.test", "reviewer", true);
    await adminPage.reload();
    expect(await admin.userRow("ann@example.test").getByTestId("user-role").inputValue()).toBe("reviewer");
    // Ann's next request sees the new role.
    await annPage.goto("/");
    await annPage.getByTestId("home-reviewer").waitFor();
    expect(await annPage.getByTestId("home-reviewer").textContent()).toContain("You are signed in as a reviewer.");
  });

  it("serves an icon, so no page asks for a favicon that is not there", async () => {
    const page = await anonymous();
    const missing: string[] = [];
    page.on("response", (r) => {
      if (r.status() === 404) missing.push(r.url());
    });
    await page.goto("/login");
    await page.waitForLoadState("networkidle");
    const href = await page.locator('link[rel="icon"]').first().getAttribute("href");
    expect(href).toMatch(/^\/icon\.svg/);
    const icon = await page.request.get(href!);
    expect(icon.status()).toBe(200);
    expect(icon.headers()["content-type"]).toMatch(/svg/);
    expect(missing).toEqual([]);
  });
});
