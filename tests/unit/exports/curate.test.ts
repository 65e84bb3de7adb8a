// Curation of a prompt with the duplicates merged into it: pairs only where a ranking compares both outputs, one text one completion, each member's own rules.
import { describe, expect, it } from "vitest";
import type { CursorPrompt } from "@/db/queries/exports";
import { curateGroup } from "@/lib/exports/curate";
import { exportOptionsInput } from "@/lib/validation/exports";

const opts = exportOptionsInput.parse({ evalFraction: 0 });
type C = CursorPrompt["completions"][number];
const out = (id: string, text: string, generator: string): C => ({ id, text, source: "import", generator, isDemonstration: false, status: "submitted", parentId: null });
const imported = (order: string[][]): CursorPrompt["rankings"][number] => ({ annotatorId: null, source: "import", order, noneAcceptable: false, excluded: false, flags: {}, goldScore: null });
const prompt = (id: string, completions: C[], rankings: CursorPrompt["rankings"], extra: Partial<CursorPrompt> = {}): CursorPrompt => ({ id, instruction: "Name a colour.", input: null, category: null, status: "approved", settled: false, completions, rankings, ...extra });
const pairText = (r: { chosen: string; rejected: string }) => `${r.chosen} > ${r.rejected}`;

describe("curateGroup", () => {
  it("turns pairwise judgments against one baseline into one pair each, never pairing outputs no judgment compared", () => {
    // base beats m1, m2 beats base, m3 beats base, m4 ties base: three pairs (not m2 > m1 etc., inferred only).
    const p = prompt("p", [out("b", "Blue", "base"), out("1", "one", "m1"), out("2", "two", "m2"), out("3", "three", "m3"), out("4", "four", "m4")], [
      imported([["b"], ["1"]]),
      imported([["2"], ["b"]]),
      imported([["3"], ["b"]]),
      imported([["4", "b"]]),
    ]);
    const c = curateGroup([p], opts, new Map());
    expect(c.pairs.map(pairText).sort()).toEqual(["Blue > one", "three > Blue", "two > Blue"]);
    expect(c.pairs.every((r) => r.meta.rankings === 1 && r.meta.confidence === 1)).toBe(true);
    expect(c.merged).toEqual({ rankings: 0, pairs: 0, sft: 0 });
  });

  it("merges duplicates into the kept prompt: same text is one completion, their rankings join, counts say what came from them", () => {
    const kept = prompt("a", [out("a1", "Red", "gpt4"), out("a2", "Blue", "base")], [imported([["a1"], ["a2"]])]);
    // The duplicate ranks its own output above gpt4's text ("Red", stored again there) and repeats the kept judgment.
    const dup = prompt("z", [out("z1", "Purple", "llama"), out("z2", "Red", "gpt4"), out("z3", "Blue", "base")], [imported([["z1"], ["z2"]]), imported([["z2"], ["z3"]])], { instruction: "name a colour" });
    const c = curateGroup([kept, dup], opts, new Map());
    expect(c.pairs.map(pairText).sort()).toEqual(["Purple > Red", "Red > Blue"]);
    expect(c.pairs.every((r) => r.promptId === "a" && r.prompt === "Name a colour.")).toBe(true);
    // Red > Blue now rests on two rankings, one of them merged; Purple > Red on the merged one.
    expect(c.pairs.find((r) => r.chosen === "Red")!.meta.rankings).toBe(2);
    expect(c.merged).toEqual({ rankings: 2, pairs: 2, sft: 0 });
    // No pair has one text on both sides, even when a ranking lists two copies of a text.
    const twice = prompt("b", [out("x", "Same", "m1"), out("y", "Same", "m2"), out("w", "Other", "m3")], [imported([["x"], ["y"], ["w"]]), imported([["w"], ["y"]])]);
    expect(curateGroup([twice], opts, new Map()).pairs.every((r) => r.chosen !== r.rejected)).toBe(true);
  });

  it("keeps each member's rules: unsettled human rankings wait, approved demonstrations become SFT rows once", () => {
    const human = { ...imported([["h2"], ["h1"]]), annotatorId: "u1", source: "human" as const };
    const demo = (id: string): C => ({ id, text: "A demo answer", source: "human", generator: null, isDemonstration: true, status: "approved", parentId: null });
    const kept = prompt("a", [out("h1", "x", "m1"), out("h2", "y", "m2"), demo("d1")], [human], { settled: false });
    const dup = prompt("b", [out("i1", "p", "m1"), out("i2", "q", "m2"), demo("d2")], [imported([["i1"], ["i2"]])]);
    const c = curateGroup([kept, dup], opts, new Map());
    expect(c.pairs.map(pairText)).toEqual(["p > q"]);
    expect(c.sft.map((s) => s.response)).toEqual(["A demo answer"]);
    expect(c.merged).toEqual({ rankings: 1, pairs: 1, sft: 0 });
    // Once the kept prompt settles, its human ranking counts too.
    expect(curateGroup([{ ...kept, settled: true }, dup], opts, new Map()).pairs.map(pairText).sort()).toEqual(["p > q", "y > x"]);
  });

  it("counts the reward model's order as one more ranking where the export carries it (settings.rewardAsRanking), as routing did", () => {
    const person = { ...imported([["x"], ["y"], ["z"]]), annotatorId: "u1", source: "human" as const };
    const outs = [out("x", "ex", "m1"), out("y", "why", "m2"), out("z", "zed", "m3")];
    // One person put x > y > z; the reward model z > x > y. Alone: the person's three pairs. With it: x over y in both
    // orders stays (confidence 1); the pairs with z, which the two orders split, have confidence ½ and are not written.
    const alone = curateGroup([prompt("p", outs, [person], { settled: true })], opts, new Map());
    expect(alone.pairs.map(pairText).sort()).toEqual(["ex > why", "ex > zed", "why > zed"]);
    const withRm = curateGroup([prompt("p", outs, [person], { settled: true, rewardOrder: ["z", "x", "y"] })], opts, new Map());
    expect(withRm.pairs.map((r) => [pairText(r), r.meta.confidence, r.meta.rankings])).toEqual([["ex > why", 1, 2]]);
    // Unsettled, or an order that misses an output the person ranked: not counted.
    expect(curateGroup([prompt("p", outs, [person], { settled: true, rewardOrder: ["z", "x"] })], opts, new Map()).pairs.map((r) => r.meta.confidence)).toEqual([1, 1, 1]);
    expect(curateGroup([prompt("p", outs, [person], { settled: false, rewardOrder: ["z", "x", "y"] })], opts, new Map()).pairs).toEqual([]);
  });
});
