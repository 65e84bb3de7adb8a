// First run to a working team: setup → admin signs in → invites an annotator → annotator joins → roles hold.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Browser } from "playwright-core";
import { hasChromium, launchBrowser, newPerson, startApp, type App } from "./fixtures";
import { AdminPage, InvitePage, LoginPage, SetupPage } from "./pages/auth";

describe.skipIf(!hasChromium)("foundation flow in Chromium", () => {
  let app: App;
  let browser: Browser;
  beforeAll(async () => {
    [app, browser] = await Promise.all([startApp(), launchBrowser()]);
  });
  afterAll(async () => {
    await browser?.close();
    await app?.stop();
  });

  it("sets up, invites, signs in, and enforces roles", async () => {
    const adminCtx = await newPerson(browser, app.baseUrl);
    const admin = await adminCtx.newPage();
    await new SetupPage(admin).createAdmin("admin@example.test", "Ada Admin", "admin password 1");
    // The first-run page is gone for good.
    expect((await admin.goto("/setup"))?.status()).toBe(404);

    const login = new LoginPage(admin);
    await login.signIn("admin@example.test", "not the password");
    expect(await login.error()).toMatch(/wrong email or password/i);
    await login.signInAs("admin@example.test", "admin password 1", "admin");

    const adminPage = new AdminPage(admin);
    await adminPage.open();
    const link = await adminPage.invite("ann@example.test", "annotator");

    const annCtx = await newPerson(browser, app.baseUrl);
    const ann = await annCtx.newPage();
    // Accepting the invite signs Ann in.
    await new InvitePage(ann).accept(link, "Ann Notator", "annotator password");
    await ann.getByTestId("home-annotator").waitFor();
    await expect(ann.getByTestId("nav-admin").count()).resolves.toBe(0);
    const res = await ann.goto("/admin");
    expect(res?.status()).toBe(403);
    await ann.getByTestId("forbidden").waitFor();

    // A used invite link says so.
    await ann.goto(link);
    expect(await ann.getByTestId("invite-invalid").textContent()).toMatch(/already been used/);

    // Anonymous visitors are sent to sign in.
    const anonCtx = await newPerson(browser, app.baseUrl);
    const anon = await anonCtx.newPage();
    await anon.goto("/review");
    expect(new URL(anon.url()).pathname).toBe("/login");
  });
});
