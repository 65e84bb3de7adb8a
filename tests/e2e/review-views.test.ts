// What a reviewer sees in Chromium: the raw text on request (markup shown, not rendered), a warning for bidi controls
// (shown as markers in the raw view), an inline diff for a light edit and a side-by-side one for a full rewrite.
import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { hasChromium, runCli } from "./fixtures";
import { useAppWithPeople } from "./people";
import { RankPage, WritePage } from "./pages/annotate";
import { ReviewQueuePage } from "./pages/review";

const people = {
  reviewer: { email: "rita@example.test", name: "Rita Reviewer", role: "reviewer" },
  ann: { email: "ann@example.test", name: "Ann Annotator", role: "annotator" },
} as const;

const SCRIPT = "<script>alert(1)</script>";
// "Pay Bob" reads backwards on screen after U+202E; the stored text says otherwise.
const BIDI_INSTRUCTION = "Check this transfer note: pay \u202eboB yap\u202c 100 dollars, and say who gets the money.";
const ORIGINAL = "Marker1: the sky reflects the ocean, which is why it looks blue.";
const REWRITE = "Sunlight scatters off air molecules; short blue wavelengths scatter most, so blue reaches us from every direction.";
const task = {
  instruction: "Why is the sky blue?",
  dataset: "e2e",
  outputs: [
    { generator: "m1", output: ORIGINAL },
    { generator: "m2", output: "Marker2: because of Rayleigh scattering." },
  ],
};

describe.skipIf(!hasChromium)("review views in Chromium", () => {

  const e2e = useAppWithPeople(people, {
    prepare: async (dataDir) => {
      await runCli(dataDir, ["project", "create", "--slug", "demo", "--name", "Demo", "--k", "2", "--overlap", "1", "--categories", "open QA,brainstorming"]);
      const file = path.join(dataDir, "tasks.jsonl");
      fs.writeFileSync(file, JSON.stringify(task) + "\n");
      await runCli(dataDir, ["import", file, "--project", "demo", "--format", "ranking"]);
    },
    timeout: 300_000,
  });
  const { signedIn } = e2e;

  it("an annotator submits a prompt with bidi controls and markup, and rewrites a model output whole", async () => {
    // Ann writes a prompt whose instruction holds bidi controls and whose demonstration is markup, and rewrites a model output whole.
    const ann = await signedIn("ann");
    const write = new WritePage(ann);
    await write.open("demo");
    await write.fill({ instruction: BIDI_INSTRUCTION, category: "open QA", demonstration: `${SCRIPT}\n\nBob gets the money.` });
    await write.submit();
    await write.waitSubmitted();
    const rank = new RankPage(ann);
    await rank.open("demo");
    await rank.waitTask(2);
    await rank.rewrite("Marker1", REWRITE);
    await ann.context().close();
  });

  it("shows the raw text on request and warns about bidi controls", async () => {
    const rev = await signedIn("reviewer");
    const dialogs: string[] = [];
    rev.on("dialog", (d) => {
      dialogs.push(d.message());
      void d.dismiss();
    });
    const queue = new ReviewQueuePage(rev);
    await queue.open("demo", { kind: "prompt" });
    const item = queue.selected();
    const demo = item.getByTestId("item-demonstration");

    // Rendered: the markup is gone from view.
    expect(await demo.getAttribute("data-view")).toBe("rendered");
    expect(await demo.textContent()).not.toContain("<script>");
    // The warning names the text and the control.
    const warning = await item.getByTestId("bidi-warning").textContent();
    expect(warning).toMatch(/instruction/);
    expect(warning).toMatch(/U\+202E right-to-left override/);
    expect(warning).toMatch(/U\+202C pop directional formatting/);

    // Raw: the demonstration as stored, the controls as visible markers and no longer in the text.
    await item.getByTestId("raw-toggle").click();
    await expect.poll(() => demo.getAttribute("data-view")).toBe("raw");
    expect(await demo.textContent()).toBe(`${SCRIPT}\n\nBob gets the money.`);
    const instruction = item.getByTestId("item-instruction");
    expect(await instruction.getByTestId("bidi-marker").allTextContents()).toEqual(["⟨U+202E⟩", "⟨U+202C⟩"]);
    const rawInstruction = (await instruction.textContent())!;
    expect(rawInstruction).toBe(BIDI_INSTRUCTION.replace("\u202e", "⟨U+202E⟩").replace("\u202c", "⟨U+202C⟩"));

    // v toggles back; nothing ran.
    await item.focus();
    await queue.press("v");
    await expect.poll(() => demo.getAttribute("data-view")).toBe("rendered");
    expect(dialogs).toEqual([]);
    expect(await rev.evaluate(() => (window as unknown as { __xss?: unknown }).__xss)).toBeUndefined();

    // A light edit of the demonstration diffs inline.
    await queue.press("e");
    await rev.getByTestId("edit-text").fill(`${SCRIPT}\n\nBob gets all the money.`);
    const diff = rev.getByTestId("diff-text");
    expect(await diff.getAttribute("data-view")).toBe("inline");
    expect(await diff.getAttribute("data-full-rewrite")).toBe("false");
    expect(await diff.locator("ins").allTextContents()).toEqual(["all "]);
  });

  it("a full rewrite of a model output opens side by side, and switches to inline", async () => {
    const rev = await signedIn("reviewer");
    const queue = new ReviewQueuePage(rev);
    await queue.open("demo", { kind: "demonstration" });
    const diff = queue.selected().getByTestId("rewrite-diff");
    expect(await diff.getAttribute("data-full-rewrite")).toBe("true");
    expect(await diff.getAttribute("data-view")).toBe("side");
    expect(await diff.getByTestId("rewrite-diff-before").textContent()).toBe(ORIGINAL);
    expect(await diff.getByTestId("rewrite-diff-after").textContent()).toBe(REWRITE);
    // Only removals on the left, only additions on the right.
    expect(await diff.getByTestId("rewrite-diff-before").locator("ins").count()).toBe(0);
    expect(await diff.getByTestId("rewrite-diff-after").locator("del").count()).toBe(0);
    expect((await diff.getByTestId("rewrite-diff-after").locator("ins").allTextContents()).join("")).toContain("Sunlight scatters");
    // Both columns sit side by side on a wide screen.
    const [left, right] = await Promise.all([diff.getByTestId("rewrite-diff-before").boundingBox(), diff.getByTestId("rewrite-diff-after").boundingBox()]);
    expect(right!.x).toBeGreaterThan(left!.x + left!.width - 1);

    await diff.getByTestId("rewrite-diff-view-inline").click();
    await expect.poll(() => diff.getAttribute("data-view")).toBe("inline");
    expect((await diff.locator("del").allTextContents()).join("")).toContain("reflects the ocean");
  });
});
