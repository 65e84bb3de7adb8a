// Bidi control detection against Unicode's own Bidi_Control property (V8's ICU tables), and the raw view's markers.
import { describe, expect, it } from "vitest";
import { findBidiControls, splitAtBidiControls } from "@/lib/reviews/bidi";

describe("findBidiControls", () => {
  it("flags exactly the code points Unicode marks Bidi_Control, across all planes", () => {
    const reference = /^\p{Bidi_Control}$/u;
    const flagged: number[] = [];
    const expected: number[] = [];
    for (let cp = 0; cp <= 0x10ffff; cp++) {
      if (cp >= 0xd800 && cp <= 0xdfff) continue;
      const ch = String.fromCodePoint(cp);
      if (reference.test(ch)) expected.push(cp);
      if (findBidiControls(ch).length > 0) flagged.push(cp);
    }
    expect(flagged).toEqual(expected);
    // The twelve the Trojan Source paper lists (U+202A–E, U+2066–9, U+200E/F, U+061C).
    expect(expected).toHaveLength(12);
  });

  it("counts each control and names it, in code point order", () => {
    // The Trojan Source "stretched string" example: an override hides the real order of the text.
    const text = "access_level != \"user\u202e \u2066// Check if admin\u2069 \u2066\" {\u202e\u2066";
    expect(findBidiControls(text)).toEqual([
      { codePoint: "U+202E", name: "RIGHT-TO-LEFT OVERRIDE", count: 2 },
      { codePoint: "U+2066", name: "LEFT-TO-RIGHT ISOLATE", count: 3 },
      { codePoint: "U+2069", name: "POP DIRECTIONAL ISOLATE", count: 1 },
    ]);
    expect(findBidiControls("plain text, Hebrew שלום and Arabic مرحبا")).toEqual([]);
  });
});

describe("splitAtBidiControls", () => {
  it("replaces each control by a marker and keeps every other character in order", () => {
    const parts = splitAtBidiControls("ab\u202ecd\u200f");
    expect(parts).toEqual([{ text: "ab" }, { control: "U+202E", name: "RIGHT-TO-LEFT OVERRIDE" }, { text: "cd" }, { control: "U+200F", name: "RIGHT-TO-LEFT MARK" }]);
    expect(splitAtBidiControls("")).toEqual([{ text: "" }]);
    expect(splitAtBidiControls("<script>alert(1)</script>")).toEqual([{ text: "<script>alert(1)</script>" }]);
  });
});
