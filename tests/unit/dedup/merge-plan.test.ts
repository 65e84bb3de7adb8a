// The export's duplicate plan: exact (normalized) and near (word-shingle Jaccard) duplicates merge into the earliest kept prompt; chains do not.
import { describe, expect, it } from "vitest";
import { planDuplicateMerges } from "@/lib/dedup/merge-plan";

const id = (i: number) => `00000000-0000-4000-8000-${String(i).padStart(12, "0")}`;
async function* items(texts: string[]) {
  for (const [i, text] of texts.entries()) yield { id: id(i), text };
}
const BASE = "please summarise the attached quarterly report for our board and list three risks with one mitigation for each";

describe("planDuplicateMerges", () => {
  it("merges exact duplicates after NFKC, case and spacing, into the first prompt", async () => {
    const plan = await planDuplicateMerges(items(["Name a colour.", "Unrelated.", "  NAME a\u00a0colour. ", "name a colour"]), { threshold: 0.8 });
    expect(plan.exact).toBe(1);
    // "name a colour" (no full stop) is not exact, but has the same words: a near duplicate.
    expect(plan.near).toBe(1);
    expect([...plan.duplicatesOf]).toEqual([[id(0), [id(2), id(3)]]]);
    expect([...plan.merged].sort()).toEqual([id(2), id(3)]);
  });

  it("merges at the Jaccard threshold and not below it, and never through a chain", async () => {
    // 18 words, 16 distinct shingles. Changing the last word changes one shingle: J = 15/17 ≈ 0.88;
    // changing the first and the last word changes two: J = 14/18 ≈ 0.78.
    const words = BASE.split(" ");
    const b = [...words.slice(0, -1), "quarter"].join(" ");
    const c = ["kindly", ...words.slice(1, -1), "quarter"].join(" ");
    expect((await planDuplicateMerges(items([BASE, b]), { threshold: 0.85 })).near).toBe(1);
    expect((await planDuplicateMerges(items([BASE, b]), { threshold: 0.9 })).near).toBe(0);
    // BASE ≈ b and b ≈ c at 0.85, but BASE vs c is 0.78: b merges into BASE, c is kept (b is not in the index).
    const plan = await planDuplicateMerges(items([BASE, b, c]), { threshold: 0.85 });
    expect([...plan.duplicatesOf]).toEqual([[id(0), [id(1)]]]);
    expect(plan.merged.has(id(2))).toBe(false);
  });
});
