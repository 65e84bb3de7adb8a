// The review diff: both texts rebuilt exactly from the parts, a minimal edit (checked against a plain LCS), full rewrites told apart.
import { describe, expect, it } from "vitest";
import { diffTokens, isFullRewrite, MAX_EDIT_TOKENS, sideBySide, unchangedShare, wordDiff, type DiffPart } from "@/lib/reviews/text-diff";

const join = (parts: DiffPart[], drop: DiffPart["kind"]) => parts.filter((p) => p.kind !== drop).map((p) => p.text).join("");

// Independent reference: the textbook O(n·m) longest common subsequence over the same tokens.
function lcsLength(a: string[], b: string[]): number {
  let prev = new Array<number>(b.length + 1).fill(0);
  for (let i = 1; i <= a.length; i++) {
    const cur = new Array<number>(b.length + 1).fill(0);
    for (let j = 1; j <= b.length; j++) cur[j] = a[i - 1] === b[j - 1] ? prev[j - 1] + 1 : Math.max(prev[j], cur[j - 1]);
    prev = cur;
  }
  return prev[b.length];
}

function rng(seed: number) {
  return () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
}

describe("wordDiff", () => {
  it("marks a changed word and keeps the rest", () => {
    expect(wordDiff("The sky is blue.", "The sky is red.")).toEqual([
      { kind: "same", text: "The sky is " },
      { kind: "del", text: "blue" },
      { kind: "ins", text: "red" },
      { kind: "same", text: "." },
    ]);
    expect(diffTokens("  Hi, you  there\n")).toEqual(["  ", "Hi", ", ", "you  ", "there\n"]);
  });

  it("rebuilds both texts exactly and keeps as many tokens as the longest common subsequence", () => {
    const words = ["sun", "sky", "blue", "red", "light", "air", ",", ".", " ", "  ", "\n"];
    const random = rng(42);
    const text = (n: number) => Array.from({ length: n }, () => words[Math.floor(random() * words.length)]).join(" ");
    for (let t = 0; t < 200; t++) {
      const before = text(Math.floor(random() * 30));
      const after = text(Math.floor(random() * 30));
      const parts = wordDiff(before, after)!;
      expect(join(parts, "ins")).toBe(before);
      expect(join(parts, "del")).toBe(after);
      const kept = parts.filter((p) => p.kind === "same").reduce((n, p) => n + diffTokens(p.text).length, 0);
      expect(kept, `${JSON.stringify(before)} → ${JSON.stringify(after)}`).toBe(lcsLength(diffTokens(before), diffTokens(after)));
    }
  });

  it("gives up past MAX_EDIT_TOKENS edits instead of working through two unrelated 3,000-word texts", () => {
    const a = Array.from({ length: 3000 }, (_, i) => `a${i}`).join(" ");
    const b = Array.from({ length: 3000 }, (_, i) => `b${i}`).join(" ");
    expect(wordDiff(a, b)).toBeNull();
    // The same length with a few hundred words changed still diffs.
    const c = a.replace(/a(\d*7) /g, "c$1 ");
    const parts = wordDiff(a, c)!;
    expect(join(parts, "del")).toBe(c);
    expect(parts.filter((p) => p.kind === "ins").length).toBeLessThan(MAX_EDIT_TOKENS);
  });
});

describe("full rewrites", () => {
  it("counts unchanged characters against the longer text", () => {
    expect(unchangedShare(wordDiff("aaaa bbbb", "aaaa cccc dddd")!)).toBeCloseTo(5 / 14);
    expect(unchangedShare([])).toBe(1);
  });

  it("a light edit is not a full rewrite; a new text or an undiffable one is", () => {
    expect(isFullRewrite(wordDiff("Rayleigh scattering makes the sky blue.", "Rayleigh scattering makes the sky look blue."))).toBe(false);
    expect(isFullRewrite(wordDiff("Rayleigh scattering makes the sky blue.", "Because the ocean reflects into it, obviously."))).toBe(true);
    expect(isFullRewrite(null)).toBe(true);
  });

  it("splits the parts into the old column (with deletions) and the new one (with insertions)", () => {
    const { before, after } = sideBySide(wordDiff("one two three", "one four three")!);
    expect(before.map((p) => p.text).join("")).toBe("one two three");
    expect(after.map((p) => p.text).join("")).toBe("one four three");
    expect(before.some((p) => p.kind === "ins") || after.some((p) => p.kind === "del")).toBe(false);
  });
});
