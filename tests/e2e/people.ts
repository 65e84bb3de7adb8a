// People for end-to-end tests: users made before the app serves, and a browser context signed in as one of them.
import { afterAll, beforeAll } from "vitest";
import type { Browser, Page } from "playwright-core";
import { launchBrowser, newPerson, runCli, startApp, type App } from "./fixtures";
import { LoginPage } from "./pages/auth";

export type Person = { email: string; name: string; role: "annotator" | "reviewer" | "admin" };

/** Adds each person as a user, with the password `password(key)`; run it in startApp's `prepare`. */
export async function addPeople<K extends string>(dataDir: string, people: Record<K, Person>, password: (who: K) => string) {
  for (const who of Object.keys(people) as K[]) {
    const p = people[who];
    await runCli(dataDir, ["user", "add", "--email", p.email, "--role", p.role, "--name", p.name], { stdin: `${password(who)}\n` });
  }
}

/** The password each person of a spec signs in with. */
export const password = (who: string) => `${who} password 123`;

/** A fresh browser context signed in as `person`, on its home page. */
export async function signedInPage(browser: Browser, app: App, person: Person, password: string, viewport = { width: 1280, height: 1600 }): Promise<Page> {
  const ctx = await newPerson(browser, app.baseUrl, { viewport });
  const page = await ctx.newPage();
  await new LoginPage(page).signInAs(person.email, password, person.role);
  return page;
}

/**
 * For a describe block: before its tests, the app with `people` added (then `prepare`, e.g. projects and imports) and
 * Chromium; after them, both stopped. `signedIn(who)` is a fresh context signed in as that person, on its home page.
 */
export function useAppWithPeople<K extends string>(people: Record<K, Person>, opts: { prepare?: (dataDir: string) => Promise<void>; timeout?: number } = {}) {
  let app: App | undefined;
  let browser: Browser | undefined;
  const started = <T>(v: T | undefined): T => {
    if (!v) throw new Error("the app and browser are not started (did beforeAll fail?)");
    return v;
  };
  beforeAll(async () => {
    const prepare = async (dataDir: string) => {
      await addPeople(dataDir, people, password);
      await opts.prepare?.(dataDir);
    };
    [app, browser] = await Promise.all([startApp({ prepare }), launchBrowser()]);
  }, opts.timeout);
  afterAll(async () => {
    await browser?.close();
    await app?.stop();
  });
  return {
    get app() {
      return started(app);
    },
    get browser() {
      return started(browser);
    },
    signedIn: (who: K): Promise<Page> => signedInPage(started(browser), started(app), people[who], password(who)),
  };
}
