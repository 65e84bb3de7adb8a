// Consensus and agreement per question type over one prompt's answers: ratings by mean/median with Krippendorff's α
// (interval), labels by majority with α (nominal), pairwise strength as a Bradley–Terry margin, texts and spans gathered.
import type { Answers, PairwiseAnswer, Question, RatingAnswer, SpanAnswer } from "@/db/schema/questions";
import { fitBradleyTerry } from "./bradley-terry";
import { krippendorffAlpha } from "./krippendorff";

export type RatingStat = { mean: number; median: number; n: number };
export type QuestionConsensus =
  | { id: string; type: "ranking" }
  | {
      id: string;
      type: "rating";
      /** completion id → criterion → statistics over the annotators who rated it */
      byOutput: Record<string, Record<string, RatingStat>>;
      /** completion id → mean over criteria of each criterion's mean rating (UltraFeedback's overall score) */
      overall: Record<string, number>;
      /** interval α over the units (output, criterion) */
      alpha: number | null;
    }
  | { id: string; type: "label"; counts: Record<string, number>; majority: string[]; n: number; alpha: number | null }
  /** a and b sorted by id; margin = θa − θb, the Bradley–Terry log-odds that a is better (strength ±2 counts as two wins) */
  | { id: string; type: "pairwise"; pairs: Array<{ a: string; b: string; margin: number; meanStrength: number; n: number }>; alpha: number | null }
  | { id: string; type: "text"; texts: string[] }
  | { id: string; type: "span"; spans: Array<SpanAnswer & { count: number }> };

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

/** A pairwise answer oriented so a < b by id (strength flips with the sides). */
export function orientedPair(p: PairwiseAnswer): { a: string; b: string; strength: number } {
  return p.a < p.b ? { a: p.a, b: p.b, strength: p.strength } : { a: p.b, b: p.a, strength: -p.strength };
}

/** (output, criterion) → the ratings it got, one per annotator who rated it. */
export function ratingUnits(q: Question & { type: "rating" }, answers: Answers[]): Map<string, number[]> {
  const units = new Map<string, number[]>();
  for (const ans of answers) {
    const r = ans[q.id] as RatingAnswer | undefined;
    if (!r) continue;
    for (const [cid, byCriterion] of Object.entries(r)) {
      for (const c of q.criteria) {
        const v = byCriterion[c.name];
        if (v === undefined) continue;
        const key = `${cid}\u0000${c.name}`;
        units.set(key, [...(units.get(key) ?? []), v]);
      }
    }
  }
  return units;
}

function labelUnits(q: Question & { type: "label" }, answers: Answers[]): Array<Array<string | number>> {
  const given = answers.map((a) => a[q.id] as string[] | undefined).filter((l): l is string[] => l !== undefined);
  // single label: one unit, the chosen option; several: one unit per option, chosen (1) or not (0)
  if (!q.multiple) return [given.filter((l) => l.length === 1).map((l) => l[0])];
  return q.options.map((o) => given.map((l) => (l.includes(o) ? 1 : 0)));
}

/** The pair compared (sides ordered by id) → each annotator's strength, oriented to that order. */
export function pairUnits(q: Question, answers: Answers[]): Map<string, number[]> {
  const units = new Map<string, number[]>();
  for (const ans of answers) {
    const p = ans[q.id] as PairwiseAnswer | undefined;
    if (!p) continue;
    const o = orientedPair(p);
    const key = `${o.a}\u0000${o.b}`;
    units.set(key, [...(units.get(key) ?? []), o.strength]);
  }
  return units;
}

/** One question's consensus over the answers of one prompt's current rankings (one Answers per annotator). */
export function questionConsensus(q: Question, answers: Answers[]): QuestionConsensus {
  switch (q.type) {
    case "ranking":
      return { id: q.id, type: "ranking" };
    case "rating": {
      const units = ratingUnits(q, answers);
      const byOutput: Record<string, Record<string, RatingStat>> = {};
      for (const [key, vs] of [...units.entries()].sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0))) {
        const [cid, criterion] = key.split("\u0000");
        (byOutput[cid] ??= {})[criterion] = { mean: mean(vs), median: median(vs), n: vs.length };
      }
      const overall = Object.fromEntries(Object.entries(byOutput).map(([cid, stats]) => [cid, mean(Object.values(stats).map((s) => s.mean))]));
      return { id: q.id, type: "rating", byOutput, overall, alpha: krippendorffAlpha([...units.values()], "interval") };
    }
    case "label": {
      const given = answers.map((a) => a[q.id] as string[] | undefined).filter((l): l is string[] => l !== undefined);
      const counts = Object.fromEntries(q.options.map((o) => [o, given.filter((l) => l.includes(o)).length]));
      // single: the most chosen option(s); multiple: every option more than half the annotators chose
      const top = Math.max(0, ...Object.values(counts));
      const majority = q.multiple ? q.options.filter((o) => counts[o] * 2 > given.length) : top > 0 ? q.options.filter((o) => counts[o] === top) : [];
      return { id: q.id, type: "label", counts, majority, n: given.length, alpha: krippendorffAlpha(labelUnits(q, answers), "nominal") };
    }
    case "pairwise": {
      const units = pairUnits(q, answers);
      const pairs = [...units.entries()]
        .sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0))
        .map(([key, strengths]) => {
          const [a, b] = key.split("\u0000");
          // items 0 = a, 1 = b; |strength| wins for the preferred side, a tie half a win each
          const fit = fitBradleyTerry(2, strengths.map((s) => (s === 0 ? { winner: 0, loser: 1, tie: true } : s > 0 ? { winner: 0, loser: 1, weight: s } : { winner: 1, loser: 0, weight: -s })));
          return { a, b, margin: fit.scores[0] - fit.scores[1], meanStrength: mean(strengths), n: strengths.length };
        });
      return { id: q.id, type: "pairwise", pairs, alpha: krippendorffAlpha([...units.values()], "interval") };
    }
    case "text":
      return { id: q.id, type: "text", texts: answers.map((a) => a[q.id]).filter((t): t is string => typeof t === "string" && t.trim() !== "") };
    case "span": {
      const counted = new Map<string, SpanAnswer & { count: number }>();
      for (const ans of answers) {
        for (const s of (ans[q.id] as SpanAnswer[] | undefined) ?? []) {
          const key = `${s.completionId}\u0000${s.start}\u0000${s.end}\u0000${s.label}`;
          const cur = counted.get(key);
          if (cur) cur.count++;
          else counted.set(key, { completionId: s.completionId, start: s.start, end: s.end, label: s.label, count: 1 });
        }
      }
      const spans = [...counted.values()].sort((x, y) => (x.completionId < y.completionId ? -1 : x.completionId > y.completionId ? 1 : x.start - y.start || x.end - y.end || (x.label < y.label ? -1 : 1)));
      return { id: q.id, type: "span", spans };
    }
  }
}

/** Every question's consensus for one prompt. */
export function promptQuestionConsensus(questions: Question[], answers: Answers[]): QuestionConsensus[] {
  return questions.map((q) => questionConsensus(q, answers));
}

/**
 * A question's α across many prompts (each prompt: its annotators' answers), the figure to report for a project: per
 * prompt there are few units. Rating and pairwise: interval; label: nominal. Null for other types or when undefined.
 */
export function questionAlpha(q: Question, prompts: Answers[][]): number | null {
  if (q.type === "rating") return krippendorffAlpha(prompts.flatMap((p) => [...ratingUnits(q, p).values()]), "interval");
  if (q.type === "pairwise") return krippendorffAlpha(prompts.flatMap((p) => [...pairUnits(q, p).values()]), "interval");
  if (q.type === "label") return krippendorffAlpha(prompts.flatMap((p) => labelUnits(q, p)), "nominal");
  return null;
}
