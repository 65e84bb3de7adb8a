// The review queue's pure logic: the edit a reviewer starts from, what an edit sends, selection after a decision, order labels.
import { describe, expect, it } from "vitest";
import { decidedMessage, editPayload, initialEdit, itemTexts, orderLabel, step, withoutItem, type QueueItem } from "@/lib/reviews/queue-items";

const prompt: QueueItem = { kind: "prompt", id: "p1", instruction: "Say hi", input: null, category: "chat", authorName: "Ann", demonstration: "Hi!" };
const bare: QueueItem = { ...prompt, id: "p2", demonstration: null };
const rewrite: QueueItem = { kind: "demonstration", id: "d1", instruction: "Say hi", input: "to Bob", category: null, authorName: "Ann", text: "Hello Bob", parentText: "Hi Bob" };
const ranking: QueueItem = {
  kind: "ranking",
  id: "p1",
  instruction: "Pick",
  input: null,
  category: null,
  agreement: 0.1,
  rankingCount: 3,
  consensus: ["c2", "c1"],
  completions: [
    { id: "c1", text: "one" },
    { id: "c2", text: "two\u202e" },
  ],
  rankings: [],
};

describe("edits", () => {
  it("open with the item's current texts", () => {
    expect(initialEdit(prompt)).toEqual({ instruction: "Say hi", input: "", text: "Hi!" });
    expect(initialEdit(rewrite)).toEqual({ instruction: "Say hi", input: "to Bob", text: "Hello Bob" });
    expect(initialEdit(ranking)).toEqual({ instruction: "Pick", input: "", text: "" });
  });

  it("send only what changed", () => {
    expect(editPayload(prompt, initialEdit(prompt))).toEqual({});
    expect(editPayload(prompt, { instruction: "Say hello", input: "", text: "Hi!" })).toEqual({ instruction: "Say hello" });
    expect(editPayload(prompt, { instruction: "Say hi", input: "ctx", text: "Hello!" })).toEqual({ input: "ctx", text: "Hello!" });
    // A prompt without a demonstration has no text to edit; a rewrite edits only its text.
    expect(editPayload(bare, { instruction: "Say hi", input: "", text: "typed anyway" })).toEqual({});
    expect(editPayload(rewrite, { instruction: "changed", input: "changed", text: "Hey Bob" })).toEqual({ text: "Hey Bob" });
    expect(editPayload(ranking, { instruction: "x", input: "y", text: "z" })).toEqual({});
  });
});

describe("selection", () => {
  const items = [prompt, rewrite, ranking];

  it("after a decision selects the item that took its place, or the new last one", () => {
    expect(withoutItem(items, rewrite, 1)).toEqual({ items: [prompt, ranking], selected: 1 });
    expect(withoutItem(items, ranking, 2)).toEqual({ items: [prompt, rewrite], selected: 1 });
    expect(withoutItem([prompt], prompt, 0)).toEqual({ items: [], selected: 0 });
  });

  it("tells a prompt from a ranking with the same id", () => {
    expect(withoutItem(items, prompt, 0).items).toEqual([rewrite, ranking]);
    expect(withoutItem(items, ranking, 2).items).toEqual([prompt, rewrite]);
  });

  it("j/k stop at either end", () => {
    expect(step(0, 1, 3)).toBe(1);
    expect(step(2, 1, 3)).toBeNull();
    expect(step(0, -1, 3)).toBeNull();
    expect(step(0, 1, 0)).toBeNull();
  });
});

describe("labels", () => {
  it("writes orders with letters, ties with =", () => {
    const labels = new Map([
      ["c1", "A"],
      ["c2", "B"],
      ["c3", "C"],
    ]);
    expect(orderLabel([["c2"], ["c1", "c3"]], labels)).toBe("B > A = C");
    expect(orderLabel([["zz"]], labels)).toBe("?");
    expect(orderLabel([], labels)).toBe("");
  });

  it("says what was done with the first 80 characters of the instruction", () => {
    expect(decidedMessage("edit", "x".repeat(100))).toBe(`Edited and approved: ${"x".repeat(80)}`);
    expect(decidedMessage("gold", "Pick")).toBe("Set as gold: Pick");
  });

  it("lists every text a reviewer reads, by name, for the bidi check", () => {
    expect(itemTexts(rewrite)).toEqual([
      ["instruction", "Say hi"],
      ["input", "to Bob"],
      ["rewrite", "Hello Bob"],
      ["original output", "Hi Bob"],
    ]);
    expect(itemTexts(ranking).map(([k]) => k)).toEqual(["instruction", "output A", "output B"]);
    expect(itemTexts(bare).map(([k]) => k)).toEqual(["instruction"]);
  });
});
