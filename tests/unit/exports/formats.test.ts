// Snapshot line formats: TRL preference rows are built from pre-encoded texts; the bytes must equal plain JSON.stringify.
import { describe, expect, it } from "vitest";
import { lineWriters } from "@/lib/exports/formats";

const tricky = ['He said "hi"\n\tthen left\\', "unicode: é 東京 😀 \u2028 \u0001", "", "plain"];

describe("preference lines", () => {
  it("are byte-for-byte JSON.stringify of the TRL conversational preference form", () => {
    for (const prompt of tricky) {
      for (const chosen of tricky) {
        const r = { id: "abc", promptId: "p", prompt, chosen, rejected: `${chosen} (worse)`, margin: 1.5, meta: { promptId: "p", agreement: null, confidence: 0.75, source: "ranking" } };
        const expected = JSON.stringify({
          id: r.id,
          prompt: [{ role: "user", content: r.prompt }],
          chosen: [{ role: "assistant", content: r.chosen }],
          rejected: [{ role: "assistant", content: r.rejected }],
          margin: r.margin,
          meta: r.meta,
        });
        expect(lineWriters.preference(r)).toBe(expected);
        expect(JSON.parse(lineWriters.preference(r))).toEqual(JSON.parse(expected));
      }
    }
  });
});
