// ROUGE-L against google-research rouge_score's rougeL (use_stemmer=False): the expected values are what its
// algorithm gives for these pairs (tokenize.tokenize without a stemmer, rouge_scorer._lcs_table and _score_lcs,
// scoring.fmeasure), computed with a line-by-line Python transcription of those functions.
import { describe, expect, it } from "vitest";
import { closestByRougeL, rougeL, rougeTokens } from "@/lib/diversity/rouge";

const reference: Array<[string, string, { precision: number; recall: number; fmeasure: number }]> = [
  ["Write a story about a dog.", "Write a short story about a brave dog.", { precision: 0.75, recall: 1.0, fmeasure: 0.8571428571428571 }],
  ["Generate a haiku using the following word:", "Generate a poem using the following words.", { precision: 0.7142857142857143, recall: 0.7142857142857143, fmeasure: 0.7142857142857143 }],
  ["What is the relation between the given pairs?", "Explain the relation between the two given words!", { precision: 0.625, recall: 0.625, fmeasure: 0.625 }],
  ["Give me a cooking recipe for the following food.", "Give me a cooking recipe for the following food.", { precision: 1, recall: 1, fmeasure: 1 }],
  ["Find the four smallest perfect numbers.", "Sort the list in ascending order.", { precision: 0.16666666666666666, recall: 0.16666666666666666, fmeasure: 0.16666666666666666 }],
  ["The café's 3 menus — 2023 edition", "3 menus for 2023", { precision: 0.75, recall: 0.42857142857142855, fmeasure: 0.5454545454545454 }],
  ["", "anything", { precision: 0, recall: 0, fmeasure: 0 }],
];

describe("ROUGE-L", () => {
  it.each(reference)("rougeL(%j, %j) matches rouge_score", (target, prediction, want) => {
    const got = rougeL(target, prediction);
    expect(got.precision).toBeCloseTo(want.precision, 12);
    expect(got.recall).toBeCloseTo(want.recall, 12);
    expect(got.fmeasure).toBeCloseTo(want.fmeasure, 12);
  });

  it("tokenizes as rouge_score: lowercase, non-[a-z0-9] splits, non-ASCII letters dropped", () => {
    expect(rougeTokens("The café's 3 menus — 2023 edition")).toEqual(["the", "caf", "s", "3", "menus", "2023", "edition"]);
  });

  it("finds the closest existing instruction", () => {
    const existing = ["Sort the list in ascending order.", "Write a story about a dog.", "Find the four smallest perfect numbers."].map((t) => ({ t, tokens: rougeTokens(t) }));
    const best = closestByRougeL("Write a short story about a brave dog.", existing);
    expect(best?.item.t).toBe("Write a story about a dog.");
    expect(best?.fmeasure).toBeCloseTo(0.8571428571428571, 12);
    expect(closestByRougeL("anything", [])).toBeNull();
  });
});
