// MinHash + LSH near-duplicate index: exact cases, the one-word-edit threshold case, determinism.
import { describe, expect, it } from "vitest";
import {
  chooseBands,
  createMinHasher,
  createNearDuplicateIndex,
  jaccard,
  shingleHashes,
} from "@/lib/dedup/minhash";

/** Fraction of signature slots that agree: MinHash's unbiased estimate of the Jaccard similarity (the LSH bands rely on it). */
function estimateJaccard(a: Uint32Array, b: Uint32Array): number {
  expect(a.length).toBe(b.length);
  let same = 0;
  for (let k = 0; k < a.length; k++) if (a[k] === b[k]) same++;
  return a.length ? same / a.length : 1;
}

// 30 distinct words, so its 28 three-word shingles are distinct.
const PROMPT_30 =
  "Please write a friendly email to my landlord asking whether the broken kitchen heater " +
  "could be repaired before next Friday because our elderly parents arrive then and stay two weeks";

function replaceWord(text: string, index: number, word: string): string {
  const words = text.split(" ");
  words[index] = word;
  return words.join(" ");
}

describe("shingles and Jaccard", () => {
  it("shingles a 30-word prompt into 28 distinct 3-word shingles", () => {
    expect(PROMPT_30.split(" ")).toHaveLength(30);
    expect(shingleHashes(PROMPT_30)).toHaveLength(28);
  });

  it("treats a text shorter than a shingle as one shingle, and no words as the empty set", () => {
    expect(shingleHashes("hello world")).toHaveLength(1);
    expect(shingleHashes("?!")).toHaveLength(0);
    expect(jaccard(shingleHashes(""), shingleHashes(""))).toBe(1);
    expect(jaccard(shingleHashes("a b c"), shingleHashes(""))).toBe(0);
  });

  it("gives 1.0 for identical texts, also after normalization", () => {
    const h = createMinHasher();
    const a = h.signature(PROMPT_30);
    const b = h.signature(`  ${PROMPT_30.toUpperCase().replaceAll(" ", "\n")}!!`);
    expect(estimateJaccard(a, b)).toBe(1);
    expect(jaccard(h.shingles(PROMPT_30), h.shingles(PROMPT_30))).toBe(1);
  });

  it("gives ~0 for unrelated texts", () => {
    const h = createMinHasher();
    const other = "Translate the following French sentence into German and explain any idioms it uses in detail";
    expect(jaccard(h.shingles(PROMPT_30), h.shingles(other))).toBe(0);
    expect(estimateJaccard(h.signature(PROMPT_30), h.signature(other))).toBeLessThan(0.05);
  });

  it("estimates the Jaccard of a one-word edit", () => {
    // Replacing word 15 (0-based 14) changes the 3 shingles that contain it:
    // |A∩B| = 28 − 3 = 25, |A∪B| = 28 + 3 = 31 → J = 25/31 ≈ 0.806
    const h = createMinHasher();
    const edited = replaceWord(PROMPT_30, 14, "radiator");
    expect(jaccard(h.shingles(PROMPT_30), h.shingles(edited))).toBeCloseTo(25 / 31, 12);
    // 128 permutations: σ = sqrt(J(1−J)/128) ≈ 0.035; allow 4σ
    expect(Math.abs(estimateJaccard(h.signature(PROMPT_30), h.signature(edited)) - 25 / 31)).toBeLessThan(0.14);
  });
});

describe("createNearDuplicateIndex", () => {
  it("finds a one-word edit of a 30-word prompt at threshold 0.8, and not a two-word edit", () => {
    const index = createNearDuplicateIndex({ threshold: 0.8 });
    index.add("p1", PROMPT_30);
    index.add("p2", "Summarize the plot of Hamlet in three sentences for a ten year old reader who likes pirates");
    const oneEdit = replaceWord(PROMPT_30, 14, "radiator");
    expect(index.query(oneEdit)).toEqual([{ id: "p1", similarity: 25 / 31 }]);
    // two far-apart edits change 6 shingles: J = 22/34 ≈ 0.647 < 0.8
    const twoEdits = replaceWord(oneEdit, 3, "long");
    expect(index.query(twoEdits)).toEqual([]);
    expect(index.query(PROMPT_30)).toEqual([{ id: "p1", similarity: 1 }]);
    expect(index.query("Something else entirely about a different topic altogether")).toEqual([]);
  });

  it("catches nearly every pair at the threshold (recall of the banding)", () => {
    // p(s) = 1 − (1 − s^rows)^bands at s = t
    for (const t of [0.5, 0.8, 0.9]) {
      const { bands, rows } = chooseBands(t, 128);
      expect(bands * rows).toBeLessThanOrEqual(128);
      expect(1 - (1 - t ** rows) ** bands).toBeGreaterThanOrEqual(0.995);
    }
  });

  it("orders results by similarity then id, and supports remove", () => {
    const index = createNearDuplicateIndex({ threshold: 0.5 });
    index.add("b", PROMPT_30);
    index.add("a", PROMPT_30);
    index.add("c", replaceWord(PROMPT_30, 14, "radiator"));
    expect(index.query(PROMPT_30).map((r) => r.id)).toEqual(["a", "b", "c"]);
    expect(() => index.add("a", "x")).toThrow(/already/);
    expect(index.remove("a")).toBe(true);
    expect(index.remove("a")).toBe(false);
    expect(index.size).toBe(2);
    expect(index.query(PROMPT_30).map((r) => r.id)).toEqual(["b", "c"]);
  });

  it("is deterministic across instances and pinned across versions", () => {
    const a = createMinHasher().signature(PROMPT_30);
    const b = createMinHasher().signature(PROMPT_30);
    expect(a).toEqual(b);
    expect(createMinHasher({ seed: 7 }).signature(PROMPT_30)).not.toEqual(a);
    // Regression pins: changing the hash functions silently would re-key every stored index.
    expect(Array.from(shingleHashes("The quick brown fox"))).toEqual([124494303, 146171007]);
    expect(Array.from(createMinHasher().signature("The quick brown fox jumps").slice(0, 4))).toEqual([
      1321078112, 3198076717, 2469660953, 65235008,
    ]);
  });
});

describe("near-duplicate index at scale", () => {
  it("still finds duplicates after its tables and pools have grown many times", () => {
    const index = createNearDuplicateIndex();
    for (let i = 0; i < 5000; i++) index.add(`p${i}`, `${PROMPT_30} case ${i} ${i * 7919} ${i * 104729}`);
    expect(index.size).toBe(5000);
    for (const i of [0, 1234, 4999]) {
      const hits = index.query(replaceWord(`${PROMPT_30} case ${i} ${i * 7919} ${i * 104729}`, 3, "kindly"));
      expect(hits[0]?.id).toBe(`p${i}`);
    }
    expect(index.query("an unrelated question about tides and the moon")).toEqual([]);
  });
});
