// Prompt normalization for exact duplicates and the word tokens behind shingles.
import { describe, expect, it } from "vitest";
import { exactDuplicateKey, normalizePromptText, tokenizeWords } from "@/lib/dedup/normalize";

describe("normalizePromptText", () => {
  it("folds width, case and whitespace", () => {
    // full-width "Ｈｅｌｌｏ" → "Hello" under NFKC; NBSP + tab + newline → one space; trimmed
    expect(normalizePromptText("  Ｈｅｌｌｏ\u00a0\t World\n")).toBe("hello world");
    expect(normalizePromptText("ﬁle")).toBe("file"); // ligature
  });
  it("gives equal keys to exact duplicates only", () => {
    expect(exactDuplicateKey("Write a poem.")).toBe(exactDuplicateKey("  write   A POEM. "));
    expect(exactDuplicateKey("Write a poem.")).not.toBe(exactDuplicateKey("Write a poem!"));
    expect(typeof exactDuplicateKey("x")).toBe("bigint");
  });
});

describe("tokenizeWords", () => {
  it("keeps letters, digits and marks, drops punctuation", () => {
    expect(tokenizeWords("Don't panic: café #42!")).toEqual(["don", "t", "panic", "café", "42"]);
    expect(tokenizeWords(" ... ")).toEqual([]);
  });
});
