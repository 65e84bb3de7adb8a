// The authorization matrix: every page and /api/v1 route × {anonymous, annotator, reviewer, admin, disabled, API token}.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { APIRequestContext, Browser, BrowserContext } from "playwright-core";
import { hasChromium, launchBrowser, newPerson, startApp, type App } from "./fixtures";
import { AdminPage, InvitePage, LoginPage, SetupPage } from "./pages/auth";
import { apiRules, listApiRouteFiles, listPageFiles, methodsIn, pageRules, urlFor, type Access } from "./route-rules";

const rank: Record<Access, number> = { public: 0, annotator: 1, reviewer: 2, admin: 3 };
type Who = "anonymous" | "annotator" | "reviewer" | "admin" | "disabled";
const roleOf: Record<Who, number> = { anonymous: 0, disabled: 0, annotator: 1, reviewer: 2, admin: 3 };
const params = { slug: "no-such-project", id: "00000000-0000-4000-8000-000000000000", token: "x".repeat(32), name: "manifest.json" };

describe("every route has a rule", () => {
  it("pages", () => {
    expect(listPageFiles().filter((f) => !(f in pageRules))).toEqual([]);
  });
  it("API routes and their methods", () => {
    const missing = listApiRouteFiles().flatMap((f) => methodsIn(f).filter((m) => !apiRules[f]?.[m as "GET"]).map((m) => `${m} ${f}`));
    expect(missing).toEqual([]);
  });
});

describe.skipIf(!hasChromium)("authorization matrix in the built app", () => {
  let app: App;
  let browser: Browser;
  const who = {} as Record<Who, APIRequestContext>;
  const contexts: BrowserContext[] = [];
  let apiToken = "";

  beforeAll(async () => {
    [app, browser] = await Promise.all([startApp(), launchBrowser()]);
    const person = async () => {
      const ctx = await newPerson(browser, app.baseUrl);
      contexts.push(ctx);
      return ctx;
    };
    const adminCtx = await person();
    const admin = await adminCtx.newPage();
    await new SetupPage(admin).createAdmin("admin@example.test", "Admin", "admin password 1");
    await new LoginPage(admin).signInAs("admin@example.test", "admin password 1", "admin");
    const adminPage = new AdminPage(admin);
    for (const role of ["annotator", "reviewer", "disabled"] as const) {
      await adminPage.open();
      const link = await adminPage.invite(`${role}@example.test`, role === "disabled" ? "annotator" : role);
      const ctx = await person();
      const page = await ctx.newPage();
      await new InvitePage(page).accept(link, role, `${role} password 1`);
      await new LoginPage(page).signInAs(`${role}@example.test`, `${role} password 1`, role === "disabled" ? "annotator" : role);
      who[role] = ctx.request;
    }
    await adminPage.open();
    await admin.getByTestId("user-row-disabled@example.test").getByTestId("user-toggle-disabled").click();
    await admin.getByTestId("user-row-disabled@example.test").getByText("Disabled · enable").waitFor();
    await admin.getByTestId("field-tokenName").fill("matrix");
    await admin.getByTestId("token-create").click();
    apiToken = (await admin.getByTestId("token-secret").textContent())!.trim();
    who.admin = adminCtx.request;
    who.anonymous = (await person()).request;
  }, 300_000);

  afterAll(async () => {
    await browser?.close();
    await app?.stop();
  });

  const pages = Object.entries(pageRules).filter(([f, access]) => access !== "public" && listPageFiles().includes(f));
  it.each(pages)("page %s (%s)", async (file, access) => {
    const url = urlFor(file, params);
    for (const w of Object.keys(roleOf) as Who[]) {
      const res = await who[w].get(url, { maxRedirects: 0 });
      const location = res.headers()["location"] ?? "";
      const cell = `${w} GET ${url} → ${res.status()} ${location}`;
      if (w === "anonymous" || w === "disabled") expect(location, cell).toMatch(/\/login/);
      else if (roleOf[w] < rank[access]) expect(res.status(), cell).toBe(403);
      else expect([200, 404], cell).toContain(res.status());
    }
  });

  const routes = listApiRouteFiles().flatMap((f) => methodsIn(f).map((m) => [f, m] as const));
  it.each(routes)("api %s %s", async (file, method) => {
    const access = apiRules[file]![method as "GET"]!;
    const url = urlFor(file, params);
    const send = (ctx: APIRequestContext, headers: Record<string, string> = {}) =>
      method === "GET" ? ctx.get(url, { headers, maxRedirects: 0 }) : ctx.post(url, { headers: { origin: app.baseUrl, ...headers }, data: {}, maxRedirects: 0 });
    for (const w of Object.keys(roleOf) as Who[]) {
      const res = await send(who[w]);
      const cell = `${w} ${method} ${url} → ${res.status()}`;
      if (w === "anonymous" || w === "disabled") expect(res.status(), cell).toBe(401);
      else if (roleOf[w] < rank[access]) expect(res.status(), cell).toBe(403);
      else expect(res.status(), cell).not.toBe(403);
      expect(res.status(), cell).toBeLessThan(500);
    }
    // An admin's API token passes the role check; a made-up one does not.
    const withToken = await send(who.anonymous, { authorization: `Bearer ${apiToken}` });
    expect(withToken.status(), `token ${method} ${url}`).not.toBe(401);
    expect(withToken.status()).not.toBe(403);
    const forged = await send(who.anonymous, { authorization: "Bearer tl_forged-token-value" });
    expect(forged.status()).toBe(401);
  });

  it("refuses cookie-authenticated writes from another origin", async () => {
    const res = await who.admin.post(urlFor("app/api/v1/projects/[slug]/imports/route.ts", params), { headers: { origin: "http://evil.example" }, data: "x" });
    expect(res.status()).toBe(403);
  });

  it("session cookies are httpOnly and SameSite=Lax", async () => {
    const cookies = await contexts[0].cookies();
    const session = cookies.find((c) => c.name.includes("session-token"));
    expect(session).toMatchObject({ httpOnly: true, sameSite: "Lax" });
  });
});
