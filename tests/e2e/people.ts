// People for end-to-end tests: users made before the app serves, and a browser context signed in as one of them.
import type { Browser, Page } from "playwright-core";
import { newPerson, runCli, type App } from "./fixtures";
import { LoginPage } from "./pages/auth";

export type Person = { email: string; name: string; role: "annotator" | "reviewer" | "admin" };

/** Adds each person as a user, with the password `password(key)`; run it in startApp's `prepare`. */
export async function addPeople<K extends string>(dataDir: string, people: Record<K, Person>, password: (who: K) => string) {
  for (const who of Object.keys(people) as K[]) {
    const p = people[who];
    await runCli(dataDir, ["user", "add", "--email", p.email, "--role", p.role, "--name", p.name], { stdin: `${password(who)}\n` });
  }
}

/** A fresh browser context signed in as `person`, on its home page. */
export async function signedInPage(browser: Browser, app: App, person: Person, password: string, viewport = { width: 1280, height: 1600 }): Promise<Page> {
  const ctx = await newPerson(browser, app.baseUrl, { viewport });
  const page = await ctx.newPage();
  await new LoginPage(page).signInAs(person.email, password, person.role);
  return page;
}
