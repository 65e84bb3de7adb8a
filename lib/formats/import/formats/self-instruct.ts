// Self-instruct seed tasks {id, name, instruction, instances, is_classification}: the first instance is the demonstration.
import { z } from "zod";
import { anyText, defineRowFormat, nonEmptyText, optionalText, rowObject } from "./fields";

export const importSelfInstructRowInput = rowObject({
  id: anyText.optional(),
  name: anyText.optional(),
  instruction: nonEmptyText,
  instances: z
    .array(rowObject({ input: optionalText, output: nonEmptyText }), { error: "expected a list of {input, output}" })
    .min(1, { error: "expected at least one instance" }),
  is_classification: z.boolean({ error: "expected true or false" }).optional(),
});

/**
 * A seed task can list several instances; a prompt has one input, so the first instance is
 * imported and the count is kept in meta (the 175 Alpaca seed tasks each have exactly one).
 */
export const selfInstructFormat = defineRowFormat("self-instruct", importSelfInstructRowInput, (row) => ({
  instruction: row.instruction,
  input: row.instances[0].input,
  category: null,
  completions: [{ text: row.instances[0].output, source: "human", generator: null }],
  ranking: null,
  meta: {
    taskId: row.id ?? null,
    taskName: row.name ?? null,
    isClassification: row.is_classification ?? null,
    instances: row.instances.length,
  },
}));
