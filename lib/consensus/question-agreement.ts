// A prompt's agreement on its form's other questions, in [0, 1], for routing beside Kendall's W on the order.
//
// Rule: the prompt's agreement (prompts.agreement, what routing compares with the threshold) is the minimum of
// Kendall's W over the rankings and, for each rating / label / pairwise-strength question some output or pair of which
// two annotators answered, that question's agreement:
//   rating   1 − the mean, over units (output, criterion) rated by two or more, of the mean absolute difference between
//            two annotators' ratings divided by the scale's width (max − min). Two raters 1 and 5 on 1–5: 0; equal: 1.
//   pairwise 1 − the same over units (the pair compared, sides oriented by id), strength's width being 4 (−2..2).
//   label    the mean over pairs of annotators of the Jaccard similarity of their chosen labels (both empty: 1); for a
//            single-choice question, the share of annotator pairs who chose the same label.
// Texts and spans do not route. Why not Krippendorff's α per prompt: with 2–5 annotators and a handful of units, α is
// undefined when nobody varies (every rating 5: D_e = 0, so perfect agreement reads as "unknown") and swings far below
// 0 on a single disagreement; these pairwise distances are defined from two answers on and move by small steps. α stays
// the review page's and the project's figure (lib/consensus/questions.ts), where units are many.
import type { Answers, Question } from "@/db/schema/questions";
import { pairUnits, ratingUnits } from "./questions";

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

/** Mean absolute difference over the unordered pairs of `vs` (at least two values). */
function meanPairwiseDistance(vs: number[]): number {
  let sum = 0;
  let n = 0;
  for (let i = 0; i < vs.length; i++) for (let j = i + 1; j < vs.length; j++) { sum += Math.abs(vs[i] - vs[j]); n++; }
  return sum / n;
}

/** 1 − mean over units (two or more values) of their mean pairwise distance / width; null without such a unit. */
function spreadAgreement(units: Iterable<number[]>, width: number): number | null {
  const spreads = [...units].filter((u) => u.length >= 2).map((u) => meanPairwiseDistance(u) / width);
  return spreads.length ? 1 - mean(spreads) : null;
}

/** One question's agreement over one prompt's answers (one Answers per annotator); null when it does not route or is undefined. */
export function questionAgreement(q: Question, answers: Answers[]): number | null {
  switch (q.type) {
    case "rating":
      return spreadAgreement(ratingUnits(q, answers).values(), q.max - q.min);
    case "pairwise":
      return spreadAgreement(pairUnits(q, answers).values(), 4);
    case "label": {
      const given = answers.map((a) => a[q.id] as string[] | undefined).filter((l): l is string[] => l !== undefined);
      if (given.length < 2) return null;
      const sims: number[] = [];
      for (let i = 0; i < given.length; i++) {
        for (let j = i + 1; j < given.length; j++) {
          const a = new Set(given[i]);
          const union = new Set([...given[i], ...given[j]]);
          sims.push(union.size === 0 ? 1 : given[j].filter((l) => a.has(l)).length / union.size);
        }
      }
      return mean(sims);
    }
    default:
      return null;
  }
}

/** The lowest agreement over the form's rating, label and strength questions; null when none is defined. */
export function formAgreement(questions: Question[], answers: Answers[]): number | null {
  const xs = questions.map((q) => questionAgreement(q, answers)).filter((x): x is number => x !== null);
  return xs.length ? Math.min(...xs) : null;
}

/**
 * The prompt's agreement for routing: min(Kendall's W, the form's agreement). W undefined (every ranking ties
 * everything) stays undefined, as before questions: the prompt is not settled by its answers alone. When the project's
 * active reward model scored the prompt's outputs and cannot separate its top two (|margin| below the project's
 * rewardMarginThreshold), that counts as low agreement: the figure is 0, so the prompt collects rankings up to
 * maxOverlap as it would on disagreement.
 */
export function routingAgreement(kendallW: number | null, questions: Question[], answers: Answers[], reward?: { margin: number | null; threshold: number | undefined }): number | null {
  if (kendallW === null) return null;
  const form = formAgreement(questions, answers);
  const agreement = form === null ? kendallW : Math.min(kendallW, form);
  const inseparable = reward?.threshold !== undefined && reward.margin !== null && Math.abs(reward.margin) < reward.threshold;
  return inseparable ? Math.min(agreement, 0) : agreement;
}
