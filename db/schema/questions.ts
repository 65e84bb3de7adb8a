// A project's task form (its questions) and the answers one ranking carries; the zod schemas are lib/validation/questions.ts.

/** Pairwise strength, A's side positive: 2 = A ≫ B, 1 = A > B, 0 = tie, −1 = B > A, −2 = B ≫ A. */
export type Strength = -2 | -1 | 0 | 1 | 2;

type QuestionBase = {
  /** key of the answer (lowercase letters, digits, dashes) */
  id: string;
  title: string;
  /** markdown shown beside the question */
  guidelines?: string;
  required: boolean;
};
export type RatingCriterion = { name: string; description?: string };

export type Question =
  | (QuestionBase & { type: "ranking" })
  /** two of the outputs shown, A and B (the page offers the first two in the annotator's order) */
  | (QuestionBase & { type: "pairwise" })
  /** every output rated on every criterion, whole numbers min..max */
  | (QuestionBase & { type: "rating"; min: number; max: number; criteria: RatingCriterion[] })
  | (QuestionBase & { type: "label"; options: string[]; multiple: boolean })
  | (QuestionBase & { type: "text"; maxLength: number })
  /** offsets into an output's text (UTF-16 code units, end exclusive) with one of the labels */
  | (QuestionBase & { type: "span"; labels: string[] });
export type QuestionType = Question["type"];

export type PairwiseAnswer = { a: string; b: string; strength: Strength };
/** completion id → criterion name → rating */
export type RatingAnswer = Record<string, Record<string, number>>;
export type SpanAnswer = { completionId: string; start: number; end: number; label: string };
export type Answer = PairwiseAnswer | RatingAnswer | string[] | string | SpanAnswer[];
/** question id → answer; a ranking question's answer is the ranking's order itself, so it has no entry */
export type Answers = Record<string, Answer>;
