// Alpaca rows {instruction, input, output}: one human demonstration per instruction.
import { defineRowFormat, nonEmptyText, optionalText, rowObject } from "./fields";

export const importAlpacaRowInput = rowObject({ instruction: nonEmptyText, input: optionalText, output: nonEmptyText });

export const alpacaFormat = defineRowFormat("alpaca", importAlpacaRowInput, (row) => ({
  instruction: row.instruction,
  input: row.input,
  category: null,
  completions: [{ text: row.output, source: "human", generator: null }],
  ranking: null,
  meta: {},
}));
