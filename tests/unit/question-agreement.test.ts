// The form's agreement that routing takes beside Kendall's W (lib/consensus/question-agreement.ts), against hand-computed values.
import { describe, expect, it } from "vitest";
import type { Answers, Question } from "@/db/schema/questions";
import { formAgreement, questionAgreement, routingAgreement } from "@/lib/consensus/question-agreement";

const rating: Question = { id: "q", type: "rating", title: "Rate", required: true, min: 1, max: 5, criteria: [{ name: "h" }, { name: "s" }] };
const label: Question = { id: "l", type: "label", title: "Topic", required: true, options: ["a", "b", "c"], multiple: true };
const single: Question = { id: "one", type: "label", title: "Topic", required: true, options: ["a", "b"], multiple: false };
const strength: Question = { id: "p", type: "pairwise", title: "A vs B", required: false };

describe("question agreement", () => {
  it("rates by 1 − mean pairwise distance over the scale's width", () => {
    // x/h: 5,5 (0) · x/s: 1,5 (1) · y/h: 3,4,5 (mean |d| 4/3 → 1/3) · y/s: one rating, not a unit → 1 − (0 + 1 + 1/3)/3 = 5/9
    const answers: Answers[] = [{ q: { x: { h: 5, s: 1 }, y: { h: 3 } } }, { q: { x: { h: 5, s: 5 }, y: { h: 4, s: 2 } } }, { q: { y: { h: 5 } } }];
    expect(questionAgreement(rating, answers)).toBeCloseTo(5 / 9, 12);
    expect(questionAgreement(rating, [answers[0]])).toBeNull();
    // every rating 5: perfect agreement (Krippendorff's α would be undefined here)
    expect(questionAgreement(rating, [{ q: { x: { h: 5 } } }, { q: { x: { h: 5 } } }])).toBe(1);
  });

  it("labels by the mean Jaccard similarity of annotator pairs; strength with the sides oriented", () => {
    // {a,b}·{a}: 1/2 · {a,b}·{}: 0 · {a}·{}: 0 → 1/6
    expect(questionAgreement(label, [{ l: ["a", "b"] }, { l: ["a"] }, { l: [] }])).toBeCloseTo(1 / 6, 12);
    expect(questionAgreement(single, [{ one: ["a"] }, { one: ["a"] }, { one: ["b"] }])).toBeCloseTo(1 / 3, 12);
    // x ≫ y, and {a: y, b: x, strength: −1} (x > y): oriented (x, y) strengths 2 and 1 → 1 − 1/4
    expect(questionAgreement(strength, [{ p: { a: "x", b: "y", strength: 2 } }, { p: { a: "y", b: "x", strength: -1 } }])).toBeCloseTo(0.75, 12);
  });

  it("routes on the minimum of W and the form's questions; W undefined stays undefined", () => {
    const answers = [{ one: ["a"], q: { x: { h: 1 } } }, { one: ["a"], q: { x: { h: 2 } } }];
    expect(formAgreement([single, rating], answers)).toBeCloseTo(0.75, 12);
    expect(routingAgreement(0.9, [single, rating], answers)).toBeCloseTo(0.75, 12);
    expect(routingAgreement(0.6, [single, rating], answers)).toBe(0.6);
    expect(routingAgreement(null, [single, rating], answers)).toBeNull();
    expect(routingAgreement(0.8, [{ id: "ranking", type: "ranking", title: "Rank", required: true }], answers)).toBe(0.8);
  });
});

describe("routing on the reward model's margin", () => {
  it("an inseparable top two (|margin| below the threshold) is agreement 0; otherwise the figure is unchanged", () => {
    expect(routingAgreement(0.9, [], [], { margin: 0.05, threshold: 0.1 })).toBe(0);
    expect(routingAgreement(0.9, [], [], { margin: -0.05, threshold: 0.1 })).toBe(0);
    expect(routingAgreement(0.9, [], [], { margin: 0.1, threshold: 0.1 })).toBe(0.9);
    expect(routingAgreement(0.9, [], [], { margin: -0.3, threshold: 0.1 })).toBe(0.9);
    // no threshold (the reward model does not route), no scores, or W undefined: as before
    expect(routingAgreement(0.9, [], [], { margin: 0.05, threshold: undefined })).toBe(0.9);
    expect(routingAgreement(0.9, [], [], { margin: null, threshold: 0.1 })).toBe(0.9);
    expect(routingAgreement(null, [], [], { margin: 0.05, threshold: 0.1 })).toBeNull();
  });
});
