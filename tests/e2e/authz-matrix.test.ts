// The authorization matrix: every page and /api/v1 route × {anonymous, annotator, reviewer, admin, disabled, API token},
// on a real project with a real run, snapshot and task, so an allowed role must get the page itself (200), not a 404.
import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { APIRequestContext, Browser, BrowserContext } from "playwright-core";
import { hasChromium, launchBrowser, newPerson, runCli, startApp, type App } from "./fixtures";
import { addPeople } from "./people";
import { LoginPage } from "./pages/auth";
import { apiRules, listApiRouteFiles, listPageFiles, methodsIn, pageRules, urlFor, type Access } from "./route-rules";

const rank: Record<Access, number> = { public: 0, annotator: 1, reviewer: 2, admin: 3 };
type Who = "anonymous" | "annotator" | "reviewer" | "admin" | "disabled";
const roleOf: Record<Who, number> = { anonymous: 0, disabled: 0, annotator: 1, reviewer: 2, admin: 3 };

const people = {
  admin: { email: "admin@example.test", name: "Admin", role: "admin" },
  annotator: { email: "annotator@example.test", name: "Annotator", role: "annotator" },
  reviewer: { email: "reviewer@example.test", name: "Reviewer", role: "reviewer" },
  disabled: { email: "disabled@example.test", name: "Disabled", role: "annotator" },
} as const;
const password = (who: keyof typeof people) => `${who} password 1`;

const demonstrations = Array.from({ length: 4 }, (_, i) => ({ instruction: `Name colour number ${i}.`, input: "", output: "A written answer." }));
const rankingTask = { instruction: "Which greeting is friendlier?", dataset: "matrix", outputs: [{ generator: "m1", output: "Hello there!" }, { generator: "m2", output: "What." }] };

/** The last JSON object a CLI command printed. */
const lastJson = (out: string) => JSON.parse(out.trim().split("\n").filter((l) => l.startsWith("{")).at(-1)!) as Record<string, unknown>;

describe("every route has a rule", () => {
  it("pages", () => {
    expect(listPageFiles().filter((f) => !(f in pageRules))).toEqual([]);
  });
  it("API routes and their methods", () => {
    const missing = listApiRouteFiles().flatMap((f) => methodsIn(f).filter((m) => !apiRules[f]?.[m as "GET"]).map((m) => `${m} ${f}`));
    expect(missing).toEqual([]);
  });
  it("every rule is for a route that exists, with the methods it exports", () => {
    const pages = new Set(listPageFiles());
    expect(Object.keys(pageRules).filter((f) => !pages.has(f))).toEqual([]);
    const routes = new Set(listApiRouteFiles());
    const stale = Object.entries(apiRules).flatMap(([f, methods]) => Object.keys(methods).filter((m) => !routes.has(f) || !methodsIn(f).includes(m)).map((m) => `${m} ${f}`));
    expect(stale).toEqual([]);
  });
});

describe.skipIf(!hasChromium)("authorization matrix in the built app", () => {
  let app: App;
  let browser: Browser;
  const who = {} as Record<Who, APIRequestContext>;
  const contexts: BrowserContext[] = [];
  let apiToken = "";
  const ids = { slug: "demo", run: "", export: "", task: "", collectRun: "", source: "s1", webhook: "", delivery: "" };

  /** The URL a route file serves here: the project's slug and, per route, a real run, snapshot, leased task, model source, collect run, webhook or delivery. */
  const urlOf = (file: string) => {
    const idFor: Array<[RegExp, string]> = [
      [/\/webhooks\/deliveries\/\[id\]/, ids.delivery],
      [/\/webhooks\/\[id\]/, ids.webhook],
      [/\/collect-runs\/\[id\]/, ids.collectRun],
      [/\/runs\/\[id\]/, ids.run],
      [/\/exports\/\[id\]/, ids.export],
      [/\/tasks\/\[id\]/, ids.task],
    ];
    const id = idFor.find(([re]) => re.test(file))?.[1] ?? "";
    const name = /\/sources\/\[name\]/.test(file) ? ids.source : "manifest.json";
    return urlFor(file, { slug: ids.slug, id, name, token: "x".repeat(32) });
  };

  beforeAll(async () => {
    [app, browser] = await Promise.all([
      startApp({
        prepare: async (dataDir) => {
          await addPeople(dataDir, people, password);
          await runCli(dataDir, ["project", "create", "--slug", ids.slug, "--name", "Demo", "--k", "2", "--overlap", "1"]);
          fs.writeFileSync(path.join(dataDir, "demos.json"), JSON.stringify(demonstrations));
          await runCli(dataDir, ["import", path.join(dataDir, "demos.json"), "--project", ids.slug, "--format", "alpaca"]);
          fs.writeFileSync(path.join(dataDir, "tasks.jsonl"), JSON.stringify(rankingTask) + "\n");
          await runCli(dataDir, ["import", path.join(dataDir, "tasks.jsonl"), "--project", ids.slug, "--format", "ranking"]);
          // A webhook nothing listens on: the export below writes it a delivery to read and redeliver.
          ids.webhook = String(lastJson(await runCli(dataDir, ["webhook", "add", "--project", ids.slug, "--url", "http://127.0.0.1:9/hook", "--events", "export.ready", "--json"])).id);
          ids.export = String(lastJson(await runCli(dataDir, ["export", "--project", ids.slug, "--json"])).id);
          const deliveries = (await runCli(dataDir, ["webhook", "deliveries", "--project", ids.slug, "--id", ids.webhook, "--json"])).trim().split("\n").filter((l) => l.startsWith("["));
          ids.delivery = String((JSON.parse(deliveries.at(-1)!) as Array<{ id: string }>)[0].id);
          ids.run = String(lastJson(await runCli(dataDir, ["retrain", "--project", ids.slug, "--stage", "sft", "--base", "tiny", "--steps", "2", "--json"])).id);
          // A source nothing listens on: its collect run fails, but it exists.
          await runCli(dataDir, ["source", "add", "--project", ids.slug, "--name", ids.source, "--base-url", "http://127.0.0.1:9/v1", "--model", "none"]);
          ids.collectRun = String(lastJson(await runCli(dataDir, ["collect", "--project", ids.slug, "--source", ids.source, "--json"])).id);
        },
      }),
      launchBrowser(),
    ]);
    const person = async () => {
      const ctx = await newPerson(browser, app.baseUrl);
      contexts.push(ctx);
      return ctx;
    };
    for (const w of Object.keys(people) as Array<keyof typeof people>) {
      const ctx = await person();
      await new LoginPage(await ctx.newPage()).signInAs(people[w].email, password(w), people[w].role);
      who[w] = ctx.request;
    }
    const admin = contexts[0].pages()[0];
    await admin.goto("/admin");
    await admin.getByTestId("user-row-disabled@example.test").getByTestId("user-toggle-disabled").click();
    await admin.getByTestId("user-row-disabled@example.test").getByText("Disabled · enable").waitFor();
    await admin.getByTestId("field-tokenName").fill("matrix");
    await admin.getByTestId("token-create").click();
    apiToken = (await admin.getByTestId("token-secret").textContent())!.trim();
    who.anonymous = (await person()).request;
    const leased = await who.annotator.post(`/api/v1/projects/${ids.slug}/tasks/next`, { headers: { origin: app.baseUrl } });
    expect(leased.status()).toBe(200);
    ids.task = ((await leased.json()) as { task: { assignmentId: string } }).task.assignmentId;
    expect([ids.export, ids.run, ids.task, ids.collectRun, ids.webhook, ids.delivery].every((id) => /^[0-9a-f-]{36}$/.test(id))).toBe(true);
  }, 300_000);

  afterAll(async () => {
    await browser?.close();
    await app?.stop();
  });

  const pages = Object.entries(pageRules).filter(([, access]) => access !== "public");
  it.each(pages)("page %s (%s)", async (file, access) => {
    const url = urlOf(file);
    for (const w of Object.keys(roleOf) as Who[]) {
      const res = await who[w].get(url, { maxRedirects: 0 });
      const location = res.headers()["location"] ?? "";
      const cell = `${w} GET ${url} → ${res.status()} ${location}`;
      if (w === "anonymous" || w === "disabled") {
        // Sent to sign in, with the way back to this page.
        const to = new URL(location, app.baseUrl);
        expect(to.pathname, cell).toBe("/login");
        expect(to.searchParams.get("callbackUrl"), cell).toBe(url);
      } else if (roleOf[w] < rank[access]) expect(res.status(), cell).toBe(403);
      else expect(res.status(), cell).toBe(200);
    }
  });

  const routes = listApiRouteFiles().flatMap((f) => methodsIn(f).map((m) => [f, m] as const));
  it.each(routes)("api %s %s", async (file, method) => {
    const access = apiRules[file][method as "GET"]!;
    const url = urlOf(file);
    // Writes carry a field no route accepts: past the role check they stop at validation (400) and change nothing.
    const send = (ctx: APIRequestContext, headers: Record<string, string> = {}) =>
      method === "GET" ? ctx.get(url, { headers, maxRedirects: 0 }) : ctx.post(url, { headers: { origin: app.baseUrl, ...headers }, data: { matrixProbe: true }, maxRedirects: 0 });
    const allowed = (status: number, cell: string) => {
      if (method === "GET") expect(status, cell).toBe(200);
      else {
        expect(status, cell).not.toBe(401);
        expect(status, cell).not.toBe(403);
        expect(status, cell).toBeLessThan(500);
      }
    };
    for (const w of Object.keys(roleOf) as Who[]) {
      const res = await send(who[w]);
      const cell = `${w} ${method} ${url} → ${res.status()}`;
      if (w === "anonymous" || w === "disabled") expect(res.status(), cell).toBe(401);
      else if (roleOf[w] < rank[access]) expect(res.status(), cell).toBe(403);
      else allowed(res.status(), cell);
    }
    // An admin's API token passes the role check; a made-up one does not.
    allowed((await send(who.anonymous, { authorization: `Bearer ${apiToken}` })).status(), `token ${method} ${url}`);
    expect((await send(who.anonymous, { authorization: "Bearer tl_forged-token-value" })).status()).toBe(401);
  });

  it("refuses cookie-authenticated writes from another origin", async () => {
    const res = await who.admin.post(urlOf("app/api/v1/projects/[slug]/imports/route.ts"), { headers: { origin: "http://evil.example" }, data: "x" });
    expect(res.status()).toBe(403);
  });

  it("session cookies are httpOnly and SameSite=Lax", async () => {
    const cookies = await contexts[0].cookies();
    const session = cookies.find((c) => c.name.includes("session-token"));
    expect(session).toMatchObject({ httpOnly: true, sameSite: "Lax" });
  });
});
