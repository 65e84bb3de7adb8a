// The Playground in Chromium: an annotator chats with a model source (two turns, the fake OpenAI server sees the whole
// conversation; a bad temperature is refused beside its field), then plays an Arena round: two unnamed answers, a vote,
// the names revealed; the vote lands as a ranking (the leaderboard API counts it, the page lists it).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { chatAnswer, startFakeOpenAI } from "../helpers/fake-openai";
import { hasChromium, runCli } from "./fixtures";
import { useAppWithPeople } from "./people";

const people = {
  admin: { email: "admin@example.test", name: "Ada Admin", role: "admin" },
  ann: { email: "ann@example.test", name: "Ann Annotator", role: "annotator" },
} as const;

/** Replies that say nothing of who wrote them, yet tell the two apart: alpha answers "Blue", beta "Green". */
const colourOf: Record<string, string> = { "model-a": "Blue", "model-b": "Green" };
const sourceOfColour: Record<string, string> = { Blue: "alpha", Green: "beta" };

describe.skipIf(!hasChromium)("Playground in Chromium", () => {
  let server: Awaited<ReturnType<typeof startFakeOpenAI>>;

  beforeAll(async () => {
    server = await startFakeOpenAI((r) => ({ body: chatAnswer(r.model, `${colourOf[r.model] ?? "?"}: an answer to “${r.messages.at(-1)?.content ?? ""}” after ${r.messages.length} messages.`) }));
  });
  afterAll(async () => {
    await server?.close();
  });
  const e2e = useAppWithPeople(people, {
    prepare: async (dataDir) => {
      await runCli(dataDir, ["project", "create", "--slug", "demo", "--name", "Demo", "--overlap", "1"]);
      await runCli(dataDir, ["source", "add", "--project", "demo", "--name", "alpha", "--base-url", server.baseUrl, "--model", "model-a"]);
      await runCli(dataDir, ["source", "add", "--project", "demo", "--name", "beta", "--base-url", server.baseUrl, "--model", "model-b"]);
    },
    timeout: 300_000,
  });
  const { signedIn } = e2e;

  it("chat with a source; a blind side-by-side vote lands as a ranking", async () => {
    const ann = await signedIn("ann");
    await ann.goto("/annotate/demo");
    await ann.getByTestId("tab-playground").click();
    await ann.getByTestId("playground-page").waitFor();

    // Chat: two turns with alpha; the second request carries the whole conversation.
    await ann.getByTestId("field-model").selectOption("source:alpha");
    await ann.getByTestId("field-message").fill("What colour is the sky?");
    await ann.getByTestId("send").click();
    const replies = ann.locator('[data-testid="chat-message"][data-role="assistant"]');
    await replies.first().waitFor();
    expect(await replies.first().textContent()).toContain("Blue: an answer to “What colour is the sky?” after 1 messages.");
    expect(await ann.getByTestId("field-message").inputValue()).toBe("");
    await ann.getByTestId("field-message").fill("Are you sure?");
    await ann.getByTestId("send").click();
    await expect.poll(() => replies.count()).toBe(2);
    expect(await replies.nth(1).textContent()).toContain("after 3 messages");
    // Each reply is labelled with the model that wrote it (the first keeps its label after the second turn).
    expect(await replies.allTextContents()).toEqual([expect.stringMatching(/^source alpha/), expect.stringMatching(/^source alpha/)]);
    expect(server.log.at(-1)!.messages.map((m) => m.role)).toEqual(["user", "assistant", "user"]);

    // A bad temperature is refused beside its field; nothing is sent.
    const sent = server.log.length;
    await ann.getByTestId("field-temperature").fill("hot");
    await ann.getByTestId("field-message").fill("Once more?");
    await ann.getByTestId("send").click();
    await ann.getByTestId("error-temperature").waitFor();
    expect(await ann.getByTestId("error-temperature").textContent()).toMatch(/Temperature/);
    expect(server.log.length).toBe(sent);

    // Arena: a random pair (the project has two sources), answers shown as A and B without names.
    await ann.getByTestId("mode-arena").click();
    await ann.getByTestId("arena-form").waitFor();
    await ann.getByTestId("field-message").fill("Name a colour.");
    await ann.getByTestId("start-round").click();
    await ann.getByTestId("arena-round").waitFor();
    const answer = async (s: "a" | "b") => (await ann.getByTestId(`answer-${s}`).textContent())!;
    const colourA = (await answer("a")).split(":")[0];
    const colourB = (await answer("b")).split(":")[0];
    expect([colourA, colourB].sort()).toEqual(["Blue", "Green"]);
    expect(await ann.getByTestId("arena-round").textContent()).not.toMatch(/alpha|beta|model-a|model-b/);

    // Vote for alpha's answer, whichever side it is on; the names show after.
    const alphaSide = colourA === "Blue" ? "a" : "b";
    await ann.getByTestId(`vote-${alphaSide}`).click();
    await ann.getByTestId("vote-saved").waitFor();
    expect(await ann.getByTestId("reveal-a").textContent()).toBe(`source ${sourceOfColour[colourA]}`);
    expect(await ann.getByTestId("reveal-b").textContent()).toBe(`source ${sourceOfColour[colourB]}`);
    await expect.poll(() => ann.getByTestId("arena-vote").allTextContents()).toEqual([expect.stringContaining("alpha beat beta")]);

    // The ranking counts on the leaderboard (API, as a reviewer or admin reads it): alpha 1–0 against beta.
    const admin = await signedIn("admin");
    const res = await admin.request.get("/api/v1/projects/demo/leaderboard?baseline=beta");
    expect(res.status()).toBe(200);
    const board = (await res.json()) as { outcomes: number; models: Array<{ model: string; vsBaseline: { wins: number; losses: number; ties: number } | null }> };
    expect(board.outcomes).toBe(1);
    expect(board.models.find((m) => m.model === "alpha")!.vsBaseline).toMatchObject({ wins: 1, losses: 0, ties: 0 });
    // The message waits in the review queue as the annotator's prompt.
    await admin.goto("/review/demo");
    await expect.poll(async () => (await admin.content()).includes("Name a colour.")).toBe(true);

    // A new round starts blank; a second vote is another ranking.
    await ann.getByTestId("new-round").click();
    await ann.getByTestId("field-message").fill("Another colour?");
    await ann.getByTestId("start-round").click();
    await ann.getByTestId("arena-round").waitFor();
    await ann.getByTestId("vote-both_bad").click();
    await ann.getByTestId("vote-saved").waitFor();
    const after = (await (await admin.request.get("/api/v1/projects/demo/leaderboard?baseline=beta")).json()) as typeof board;
    expect(after.outcomes).toBe(2);
    expect(after.models.find((m) => m.model === "alpha")!.vsBaseline).toMatchObject({ wins: 1, losses: 0, ties: 1 });
  }, 300_000);
});
