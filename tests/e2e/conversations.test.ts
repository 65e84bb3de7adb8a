// Conversations in Chromium: an annotator writes the next user turn under a reply, another writes a second reply to it
// (a branch), the reviewer sees the history above the turn and approves both, and the rank page shows the history.
import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { hasChromium, runCli } from "./fixtures";
import { useAppWithPeople } from "./people";
import { ReviewQueuePage } from "./pages/review";

const people = {
  reviewer: { email: "rita@example.test", name: "Rita Reviewer", role: "reviewer" },
  ann1: { email: "ann1@example.test", name: "Ann One", role: "annotator" },
  ann2: { email: "ann2@example.test", name: "Ann Two", role: "annotator" },
  ann3: { email: "ann3@example.test", name: "Ann Three", role: "annotator" },
} as const;

// One Open-Assistant tree: a root turn with one reply (so only the later turn, with two replies, is a ranking task at k=2).
const m = (id: string, parent: string | null, role: string, text: string, replies: unknown[] = []) => ({ message_id: id, parent_id: parent, role, text, replies });
const tree = { prompt: m("r", null, "prompter", "Plan a day in Rome for me", [m("d1", "r", "assistant", "Colosseum, then Trastevere.")]) };

describe.skipIf(!hasChromium)("conversations in Chromium", () => {
  const { signedIn } = useAppWithPeople(people, {
    prepare: async (dataDir) => {
      await runCli(dataDir, ["project", "create", "--slug", "demo", "--name", "Demo", "--k", "2", "--overlap", "1"]);
      const file = path.join(dataDir, "tree.jsonl");
      fs.writeFileSync(file, JSON.stringify(tree) + "\n");
      await runCli(dataDir, ["import", file, "--project", "demo", "--format", "oasst"]);
    },
  });

  it("continues a path, branches it, reviews the later turn below its history and ranks it with the history shown", async () => {
    const ann1 = await signedIn("ann1");
    await ann1.goto("/annotate/demo/conversations");
    const root = ann1.getByTestId("turn").filter({ hasText: "Plan a day in Rome" });
    await root.getByTestId("turn-reply").filter({ hasText: "Colosseum" }).getByTestId("continue-open").click();
    // A blank turn is refused beside its field; then the turn and the writer's own reply, by keyboard.
    await ann1.getByTestId("continue-submit").click();
    await expect.poll(() => ann1.getByTestId("error-text").textContent()).toContain("Write the user turn");
    await ann1.getByTestId("continue-form").getByTestId("field-text").fill("What about the evening?");
    await ann1.keyboard.press("Tab");
    await ann1.keyboard.type("Dinner in Monti.");
    await ann1.keyboard.press("Tab");
    await ann1.keyboard.press("Enter");
    const evening = ann1.getByTestId("turn").filter({ hasText: "What about the evening?" }).first();
    await evening.getByTestId("task-history").waitFor();
    expect(await evening.getByTestId("task-history").textContent()).toMatch(/Plan a day in Rome[\s\S]*Colosseum, then Trastevere\./);

    // Another annotator answers the same turn: a second reply, a branch of the tree.
    const ann2 = await signedIn("ann2");
    await ann2.goto("/annotate/demo/conversations");
    const turn2 = ann2.getByTestId("turn").filter({ has: ann2.getByTestId("turn-text").getByText("What about the evening?") });
    await turn2.getByTestId("reply-open").click();
    await ann2.keyboard.type("Opera at Caracalla.");
    await ann2.getByTestId("reply-submit").click();
    await expect.poll(() => turn2.getByTestId("turn-reply").allTextContents()).toEqual([expect.stringContaining("Dinner in Monti."), expect.stringContaining("Opera at Caracalla.")]);

    // The reviewer sees the conversation above the turn and the reply, and approves both with the keyboard.
    const reviewer = await signedIn("reviewer");
    const queue = new ReviewQueuePage(reviewer);
    // the turn (with its writer's reply) first; the other reply is reviewed once its turn is approved
    for (const kind of ["prompt", "demonstration"]) {
      await queue.open("demo");
      await expect.poll(() => queue.items(kind).count()).toBe(1);
      expect(await queue.items(kind).getByTestId("task-history").textContent()).toMatch(/Plan a day in Rome[\s\S]*Colosseum, then Trastevere\./);
      await queue.selected().waitFor();
      await queue.press("a");
      await expect.poll(() => queue.items(kind).count()).toBe(0);
    }
    await queue.open("demo");
    await queue.empty();

    // The later turn is a ranking task of its two replies, with the conversation so far above it.
    const ann3 = await signedIn("ann3");
    await ann3.goto("/annotate/demo/rank");
    await ann3.getByTestId("rank-task").waitFor();
    expect(await ann3.getByTestId("task-instruction").textContent()).toContain("What about the evening?");
    expect(await ann3.getByTestId("task-history").textContent()).toMatch(/Plan a day in Rome[\s\S]*Colosseum, then Trastevere\./);
  });
});
