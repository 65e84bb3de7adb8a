// What the review queue shows and sends, as pure functions: item shapes, the edit a reviewer starts from and what it changes.
import type { QuestionConsensus } from "@/lib/consensus/questions";

/** `history`: the conversation before a later turn's user message (system message, earlier turns), as the rank page shows it. */
type Base = { id: string; instruction: string; input: string | null; category: string | null; history?: Array<{ role: string; content: string }> };
/** The active reward model's order of the outputs (highest score first) and its top-two margin (lib/suggestions). */
export type QueueSuggestion = { label: string; order: string[]; margin: number | null };
export type QueueRanking = { id: string; annotatorName: string | null; order: string[][]; noneAcceptable: boolean; rationale: string | null; flags: Record<string, string[]> };
export type QueueItem =
  | (Base & { kind: "prompt"; authorName: string | null; demonstration: string | null })
  | (Base & { kind: "demonstration"; authorName: string | null; text: string; parentText: string | null })
  | (Base & { kind: "ranking"; agreement: number | null; rankingCount: number; consensus: string[] | null; completions: Array<{ id: string; text: string }>; rankings: QueueRanking[]; questions?: QuestionConsensus[]; suggestion?: QueueSuggestion | null })
  | (Base & { kind: "screening"; texts: ScreenedText[]; safety: string[] | null });
/** A screened text with its PII hits (offsets in UTF-16 code units of `text`), as lib/screening/review.ts lists them. */
export type ScreenedText = { label: string; text: string; hits: Array<{ kind: string; start: number; end: number; text: string }> };

export type QueueKind = QueueItem["kind"];
export type Decision = "approve" | "reject" | "edit";
/** The edit form's three texts; `text` is the demonstration or the rewrite. */
export type EditDraft = { instruction: string; input: string; text: string };
export type EditPayload = Partial<EditDraft>;

export const kindLabel: Record<QueueKind, string> = { prompt: "Prompt", demonstration: "Rewrite", ranking: "Ranking", screening: "Screening" };

/** Rankings and screenings are approved or rejected, never edited. */
export const canEdit = (item: QueueItem) => item.kind !== "ranking" && item.kind !== "screening";

/** The edit form as it opens: the item's current texts. */
export function initialEdit(item: QueueItem): EditDraft {
  const text = item.kind === "prompt" ? (item.demonstration ?? "") : item.kind === "demonstration" ? item.text : "";
  return { instruction: item.instruction, input: item.input ?? "", text };
}

/** Only the fields the reviewer changed; a prompt without a demonstration has no text to change. */
export function editPayload(item: QueueItem, edit: EditDraft): EditPayload {
  const out: EditPayload = {};
  if (item.kind === "prompt") {
    if (edit.instruction !== item.instruction) out.instruction = edit.instruction;
    if (edit.input !== (item.input ?? "")) out.input = edit.input;
    if (item.demonstration !== null && edit.text !== item.demonstration) out.text = edit.text;
  } else if (item.kind === "demonstration" && edit.text !== item.text) out.text = edit.text;
  return out;
}

/** The queue after `item` was decided, and the index to select: the item that took its place, or the new last one. */
export function withoutItem(items: QueueItem[], item: QueueItem, selected: number): { items: QueueItem[]; selected: number } {
  const rest = items.filter((x) => x.id !== item.id || x.kind !== item.kind);
  return { items: rest, selected: Math.max(0, Math.min(selected, rest.length - 1)) };
}

/** The next index for j/k, or null past either end. */
export function step(selected: number, delta: number, length: number): number | null {
  const next = selected + delta;
  return next >= 0 && next < length ? next : null;
}

/** The message after a decision, with the instruction's first 80 characters. */
export function decidedMessage(decision: Decision | "gold", instruction: string, verbs: (decision: Decision | "gold") => string = (d) => englishVerbs[d]): string {
  return `${verbs(decision)}: ${instruction.slice(0, 80)}`;
}
/** The notice's verbs in English (messages/*.json review.decided has them in each language). */
const englishVerbs = { approve: "Approved", reject: "Rejected", edit: "Edited and approved", gold: "Set as gold" } as const;

/** A text cut at its hits, for highlighting: plain pieces and hit pieces in order (hits sorted, overlapping ones skipped). */
export function splitAtHits(text: string, hits: ScreenedText["hits"]): Array<{ text: string; kind?: string }> {
  const out: Array<{ text: string; kind?: string }> = [];
  let at = 0;
  for (const h of [...hits].sort((a, b) => a.start - b.start)) {
    if (h.start < at || h.end > text.length) continue;
    if (h.start > at) out.push({ text: text.slice(at, h.start) });
    out.push({ text: text.slice(h.start, h.end), kind: h.kind });
    at = h.end;
  }
  if (at < text.length) out.push({ text: text.slice(at) });
  return out;
}

/** Output letters in the order shown: A, B, C … */
export const letter = (i: number) => String.fromCharCode(65 + i);

/** A ranking as letters: groups joined by " > ", ties inside a group by " = "; an unknown id shows as "?". */
export function orderLabel(order: string[][], labels: ReadonlyMap<string, string>): string {
  return order.map((g) => g.map((id) => labels.get(id) ?? "?").join(" = ")).join(" > ");
}

/** Every text of an item a reviewer reads, by label, for the bidi check. */
export function itemTexts(item: QueueItem): Array<[string, string]> {
  const texts: Array<[string, string | null]> = [
    ["instruction", item.instruction],
    ["input", item.input],
  ];
  if (item.kind === "prompt") texts.push(["demonstration", item.demonstration]);
  else if (item.kind === "demonstration") texts.push(["rewrite", item.text], ["original output", item.parentText]);
  else if (item.kind === "screening") item.texts.slice(item.input ? 2 : 1).forEach((t) => texts.push([t.label, t.text]));
  else item.completions.forEach((c, i) => texts.push([`output ${letter(i)}`, c.text]));
  return texts.filter((t): t is [string, string] => !!t[1]);
}
