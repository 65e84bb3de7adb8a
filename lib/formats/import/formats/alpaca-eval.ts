// AlpacaEval files: pairwise judgments {output_1, output_2, generator_1, generator_2, preference} and model outputs {instruction, output, generator}.
import { z } from "zod";
import { anyText, defineRowFormat, nonEmptyText, optionalText, rowObject } from "./fields";

const preference = z
  .number({ error: "expected 0, 1, 2 (or a number in [1, 2]) or null" })
  .refine((p) => p === 0 || (p >= 1 && p <= 2), { error: "expected 0 (tie), 1, 2 or a number in [1, 2]" })
  .nullish();

export const importAlpacaEvalJudgmentRowInput = rowObject({
  instruction: nonEmptyText,
  dataset: optionalText,
  output_1: anyText,
  generator_1: nonEmptyText,
  output_2: anyText,
  generator_2: nonEmptyText,
  preference,
});

/**
 * preference 1 → output_1 ranked first, 2 → output_2 first, 0 → tie (one group), null or
 * missing → no judgment (ranking null). AlpacaEval 2 writes continuous preferences in [1, 2]
 * (the judge's probability that output_2 wins, plus 1): below 1.5 counts for output_1, above
 * for output_2, exactly 1.5 as a tie. The raw value stays in meta.preference.
 */
export const alpacaEvalJudgmentsFormat = defineRowFormat(
  "alpaca-eval-judgments",
  importAlpacaEvalJudgmentRowInput,
  (row) => ({
    instruction: row.instruction,
    input: null,
    category: null,
    completions: [
      { text: row.output_1, source: "import", generator: row.generator_1 },
      { text: row.output_2, source: "import", generator: row.generator_2 },
    ],
    ranking: rankingFromPreference(row.preference ?? null),
    meta: { dataset: row.dataset, preference: row.preference ?? null },
  }),
);

function rankingFromPreference(p: number | null): number[][] | null {
  if (p === null) return null;
  if (p === 0 || p === 1.5) return [[0, 1]];
  return p < 1.5 ? [[0], [1]] : [[1], [0]];
}

export const importAlpacaEvalOutputRowInput = rowObject({
  instruction: nonEmptyText,
  input: optionalText,
  dataset: optionalText,
  output: anyText,
  generator: nonEmptyText,
});

/** One model's outputs (AlpacaEval `model_outputs.json`): each row one attributed completion. */
export const alpacaEvalOutputsFormat = defineRowFormat("alpaca-eval-outputs", importAlpacaEvalOutputRowInput, (row) => ({
  instruction: row.instruction,
  input: row.input,
  category: null,
  completions: [{ text: row.output, source: "import", generator: row.generator }],
  ranking: null,
  meta: { dataset: row.dataset },
}));
