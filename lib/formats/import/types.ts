// The normalized record every import format yields, and the format names.

export const formatNames = [
  "alpaca",
  "dolly",
  "self-instruct",
  "ranking",
  "hh-rlhf",
  "trl",
  "alpaca-eval-judgments",
  "alpaca-eval-outputs",
  "openai-chat",
  "oasst",
  "ultrafeedback",
] as const;
export type FormatName = (typeof formatNames)[number];

/**
 * Formats whose rows are model outputs (and judgments of them) for a shared instruction set:
 * rows of one instruction and input group into one prompt, each generator's output is stored
 * once per prompt, and a prompt the project already has with the same instruction and input
 * is joined rather than copied. The other formats bring one example per row (a demonstration
 * or one preference pair) and make one prompt per row.
 */
export const promptGroupedFormats: ReadonlySet<FormatName> = new Set(["alpaca-eval-judgments", "alpaca-eval-outputs", "ranking"]);

export type ImportCompletion = {
  text: string;
  /** "human": a written demonstration (SFT target); "import": a model output brought in from a file. */
  source: "human" | "import";
  /** The model that wrote it, where the file says (AlpacaEval generators); null otherwise. */
  generator: string | null;
};

export type ImportRecord = {
  /** 1-based line of the row in the (decompressed) file; for a JSON array, the line where the element starts. */
  line: number;
  instruction: string;
  input: string | null;
  category: string | null;
  completions: ImportCompletion[];
  /** Optional imported ranking over `completions`: groups of indices, best first, ties in one group. */
  ranking: number[][] | null;
  /**
   * The turns before this one when the row is a conversation (hh-rlhf dialogues, TRL and
   * OpenAI message lists): its system message and the (user, assistant) exchanges before the
   * final user turn, which is `instruction`. Imported as a path of prompts, one per user turn
   * (see lib/conversations). Absent for a single-turn row.
   */
  conversation?: ImportConversation;
  /** An Open-Assistant row: a whole message tree (instruction is its first message; completions and ranking are empty). */
  tree?: OasstNode;
  /**
   * Ratings per completion (same order as `completions`): criterion → whole number in min..max, missing ratings left
   * out. Stored as the imported ranking's answer to the project's rating question (lib/imports/rating-question.ts).
   */
  ratings?: { min: number; max: number; byCompletion: Array<Record<string, number>> };
  /** Format-specific extras (always `format`; e.g. dataset, seed-task id, raw preference). */
  meta: Record<string, unknown>;
};

/** A conversation's history: an optional system message and the exchanges before the last user turn. */
export type ImportConversation = { system: string | null; turns: Array<{ user: string; assistant: string }> };

/** A message of an Open-Assistant tree: a prompter message (a user turn) or an assistant reply, with its replies. */
export type OasstNode = {
  id: string;
  role: "prompter" | "assistant";
  text: string;
  /** an assistant reply's place among its siblings, 0 best; null when unranked */
  rank: number | null;
  reviewResult: boolean | null;
  /** a model wrote it (oasst's `synthetic`, with `model_name`), rather than a person */
  synthetic: boolean;
  modelName: string | null;
  /** the conversation's system message, on the first message only (a Tuneloop extension; oasst has none) */
  system: string | null;
  replies: OasstNode[];
};
