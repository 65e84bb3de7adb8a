// Dolly rows {instruction, context, response, category}: context becomes the input, response a human demonstration.
import { defineRowFormat, nonEmptyText, optionalText, rowObject } from "./fields";

export const importDollyRowInput = rowObject({
  instruction: nonEmptyText,
  context: optionalText,
  response: nonEmptyText,
  category: optionalText,
});

export const dollyFormat = defineRowFormat("dolly", importDollyRowInput, (row) => ({
  instruction: row.instruction,
  input: row.context,
  category: row.category,
  completions: [{ text: row.response, source: "human", generator: null }],
  ranking: null,
  meta: {},
}));
