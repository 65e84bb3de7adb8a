// Ranking tasks {instruction, dataset, outputs: [{generator, output}]}: model outputs to be ranked, no ranking yet.
import { z } from "zod";
import { anyText, defineRowFormat, nonEmptyText, optionalText, rowObject } from "./fields";

export const importRankingRowInput = rowObject({
  instruction: nonEmptyText,
  input: optionalText,
  dataset: optionalText,
  outputs: z
    .array(rowObject({ generator: nonEmptyText, output: anyText }), { error: "expected a list of {generator, output}" })
    .min(1, { error: "expected at least one output" }),
});

export const rankingFormat = defineRowFormat("ranking", importRankingRowInput, (row) => ({
  instruction: row.instruction,
  input: row.input,
  category: null,
  completions: row.outputs.map((o) => ({ text: o.output, source: "import" as const, generator: o.generator })),
  ranking: null,
  meta: { dataset: row.dataset },
}));
