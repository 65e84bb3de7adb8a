// Model sources in Chromium: an admin registers two OpenAI-compatible sources (a small server in the test), tests one,
// collects outputs and watches the run finish; an annotator ranks them blind; the leaderboard shows both sources.
import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { chatAnswer, startFakeOpenAI } from "../helpers/fake-openai";
import { hasChromium, runCli } from "./fixtures";
import { useAppWithPeople } from "./people";
import { RankPage } from "./pages/annotate";

const people = {
  admin: { email: "admin@example.test", name: "Ada Admin", role: "admin" },
  ann: { email: "ann@example.test", name: "Ann Annotator", role: "annotator" },
} as const;
const DEMO = "A written answer.";
const KEY = "sk-e2e-QX7TOPSECRET";

describe.skipIf(!hasChromium)("model sources in Chromium", () => {
  let server: Awaited<ReturnType<typeof startFakeOpenAI>>;

  beforeAll(async () => {
    server = await startFakeOpenAI((r) => ({ body: chatAnswer(r.model, `Reply from server ${r.model === "model-a" ? "one" : "two"}: ${r.prompt.length} chars`) }));
  });
  afterAll(async () => {
    await server?.close();
  });
  const e2e = useAppWithPeople(people, {
    prepare: async (dataDir) => {
      // K = 3: the imported demonstration plus one output from each source.
      await runCli(dataDir, ["project", "create", "--slug", "demo", "--name", "Demo", "--k", "3", "--overlap", "1"]);
      const file = path.join(dataDir, "alpaca.json");
      fs.writeFileSync(file, JSON.stringify([{ instruction: "Name a colour.", input: "", output: DEMO }]));
      await runCli(dataDir, ["import", file, "--project", "demo", "--format", "alpaca"]);
    },
    timeout: 300_000,
  });
  const { signedIn } = e2e;

  it("register sources → test → collect with live progress → rank blind → both on the leaderboard", async () => {
    const admin = await signedIn("admin");
    await admin.goto("/admin/projects/demo");
    const form = admin.getByTestId("add-source-form");
    const add = async (name: string, model: string, key?: string) => {
      await form.getByTestId("field-name").fill(name);
      await form.getByTestId("field-model").fill(model);
      await form.getByTestId("field-baseUrl").fill(server.baseUrl);
      await form.getByTestId("field-apiKey").fill(key ?? "");
      await form.getByTestId("add-source").click();
      await admin.getByTestId(`source-${name}`).waitFor();
    };
    // A wrong base URL is refused beside its field.
    await form.getByTestId("field-name").fill("alpha");
    await form.getByTestId("field-model").fill("model-a");
    await form.getByTestId("field-baseUrl").fill("localhost:8000");
    await form.getByTestId("add-source").click();
    await expect.poll(() => form.getByTestId("error-baseUrl").isVisible()).toBe(true);
    await add("alpha", "model-a", KEY);
    await add("beta", "model-b");
    expect(await admin.getByTestId("source-alpha").textContent()).toContain("key stored");
    expect(await admin.content()).not.toContain(KEY);

    await admin.getByTestId("test-source-alpha").click();
    await expect.poll(() => admin.getByTestId("source-status-alpha").textContent()).toMatch(/^OK in \d+ ms: “Reply from server one/);

    await admin.getByTestId("collect-outputs").click();
    try {
      await admin.locator('[data-testid="collect-run"][data-status="succeeded"]').waitFor({ timeout: 120_000 });
    } catch (e) {
      throw new Error(`${(e as Error).message}\n--- app log ---\n${e2e.app.logs().slice(-4000)}`);
    }
    expect(await admin.getByTestId("collect-run-status").first().textContent()).toBe("succeeded: 2 outputs for 1/1 prompts");
    expect(server.log.filter((r) => r.model === "model-a").every((r) => r.auth === `Bearer ${KEY}`)).toBe(true);

    const ann = await signedIn("ann");
    const rank = new RankPage(ann);
    await rank.open("demo");
    await rank.waitTask(3);
    expect(await ann.getByTestId("rank-task").textContent()).not.toMatch(/alpha|beta|model-a|model-b/);
    await rank.orderByNumberKeys(["server one", DEMO, "server two"]);
    await rank.submitByClick();
    await rank.waitNoTask();

    await admin.goto("/models/demo");
    await admin.getByTestId("leaderboard").waitFor();
    const rows = await admin.getByTestId("leaderboard-row").allTextContents();
    expect(rows.find((r) => r.startsWith("alpha"))).toBeTruthy();
    expect(rows.find((r) => r.startsWith("beta"))).toBeTruthy();
    // alpha won both its comparisons, beta lost both: alpha rates above beta.
    expect(rows.findIndex((r) => r.startsWith("alpha"))).toBeLessThan(rows.findIndex((r) => r.startsWith("beta")));
    expect(e2e.app.logs()).not.toContain(KEY);
  }, 420_000);
});
