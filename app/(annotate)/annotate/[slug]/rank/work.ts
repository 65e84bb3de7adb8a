// What the ranker works on: a leased task (with its saved draft) or one of the person's rankings being revised.
import type { RankingTaskWithDraft } from "@/lib/rankings/drafts";
import type { RankingRevision } from "@/lib/rankings/mine";
import type { Answers, Question } from "@/db/schema/questions";
import type { AnnotatorSuggestion } from "@/lib/suggestions/suggestions";

export type Output = { id: string; text: string; label: string };

/** Where the screen starts: a saved draft of the lease, or the ranking being revised. */
export type Initial = { order: string[][]; flags: Record<string, string[]>; noneAcceptable: boolean; rationale: string; touched: boolean; elapsedMs: number; answers?: Answers };
/** The project's task form (ranking plus other questions), rendered beside the ranking. */
export type Questions = Question[];

export type Work = {
  mode: "task" | "revise";
  /** assignment id for a task, ranking id for a revision */
  id: string;
  guidelines: string;
  /** `history`: the conversation before this user turn, shown above it (absent or [] for a single-turn prompt) */
  prompt: { instruction: string; input: string | null; category: string | null; history?: Array<{ role: string; content: string }> };
  /** in the order shown when the task was leased (A, B, C…) */
  outputs: Output[];
  initial?: Initial;
  /** a revision's reward-model suggestion (the ranking is submitted; present only where the project shows them) */
  suggestion?: AnnotatorSuggestion | null;
};

const letters = (outputs: Array<{ id: string; text: string }>): Output[] => outputs.map((o, i) => ({ ...o, label: String.fromCharCode(65 + i) }));

export function fromTask(t: RankingTaskWithDraft): Work {
  return { mode: "task", id: t.assignmentId, guidelines: t.guidelines, prompt: t.prompt, outputs: letters(t.outputs), initial: t.draft ?? undefined };
}

export function fromRevision(r: RankingRevision): Work {
  return {
    mode: "revise",
    id: r.rankingId,
    guidelines: r.guidelines,
    prompt: r.prompt,
    outputs: letters(r.outputs),
    initial: { order: r.order, flags: r.flags, noneAcceptable: r.noneAcceptable, rationale: r.rationale ?? "", touched: false, elapsedMs: 0, answers: r.answers },
    suggestion: r.suggestion,
  };
}

/** One idempotency key per rendered task; randomUUID needs a secure context, getRandomValues does not. */
export function newKey(): string {
  if (typeof crypto.randomUUID === "function") return crypto.randomUUID();
  return Array.from(crypto.getRandomValues(new Uint8Array(16)), (b) => b.toString(16).padStart(2, "0")).join("");
}
