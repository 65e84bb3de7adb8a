// The flags an annotator may set on an output: one list for the schema, validation and every screen that shows them.
// Dependency-free so client components import it without pulling in the database layer.

export const completionFlags = ["unsafe", "wrong", "ignores_instruction", "pii"] as const;
export type CompletionFlag = (typeof completionFlags)[number];

export const completionFlagLabels: Record<CompletionFlag, string> = {
  unsafe: "Unsafe",
  wrong: "Factually wrong",
  ignores_instruction: "Ignores the instruction",
  pii: "Contains personal data",
};
