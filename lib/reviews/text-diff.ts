// Word-level before/after diff for review edits and rewrites (jsdiff's Myers diff), and when a rewrite counts as a full one.
import { diffArrays } from "diff";

export type DiffPart = { kind: "same" | "del" | "ins"; text: string };

/**
 * Myers' diff (jsdiff) costs O((N + M) · D) for N and M tokens (see diffTokens) and D edits; past this many edits
 * it gives up and wordDiff returns null (a changed word is two edits: about 500 changed words). Measured with 3,000
 * words a side on a busy 2-core machine: 110–160 ms to give up on an unrelated text; memory grows with N · D.
 */
export const MAX_EDIT_TOKENS = 1000;

/** Below this share of unchanged characters (of the longer text) a rewrite is a full one: side by side reads better. */
export const FULL_REWRITE_BELOW = 0.4;

/**
 * Tokens: a word or one punctuation mark, each with the whitespace after it, and any leading whitespace alone.
 * Whitespace rides on the token before it so a rewrite is not stitched together from matching spaces, and the
 * tokens joined give the text back exactly (jsdiff's diffWords only keeps whitespace "as far as possible").
 */
export function diffTokens(text: string): string[] {
  return text.match(/[\p{L}\p{N}_]+\s*|[^\s\p{L}\p{N}_]\s*|\s+/gu) ?? [];
}

/** The parts that turn `before` into `after`; null when they differ in more than MAX_EDIT_TOKENS tokens. */
export function wordDiff(before: string, after: string): DiffPart[] | null {
  const changes = diffArrays(diffTokens(before), diffTokens(after), { maxEditLength: MAX_EDIT_TOKENS });
  if (!changes) return null;
  return changes.filter((c) => c.value.length > 0).map((c) => ({ kind: c.added ? "ins" : c.removed ? "del" : "same", text: c.value.join("") }));
}

/** Characters kept unchanged, as a share of the longer text (1 for two empty texts). */
export function unchangedShare(parts: DiffPart[]): number {
  let same = 0;
  let before = 0;
  let after = 0;
  for (const p of parts) {
    if (p.kind !== "ins") before += p.text.length;
    if (p.kind !== "del") after += p.text.length;
    if (p.kind === "same") same += p.text.length;
  }
  const longer = Math.max(before, after);
  return longer === 0 ? 1 : same / longer;
}

/** A full rewrite: too many edits to diff, or less than FULL_REWRITE_BELOW of the text kept. */
export function isFullRewrite(parts: DiffPart[] | null): boolean {
  return parts === null || unchangedShare(parts) < FULL_REWRITE_BELOW;
}

/** The two columns of a side-by-side view: the old text with its deletions, the new one with its insertions. */
export function sideBySide(parts: DiffPart[]): { before: DiffPart[]; after: DiffPart[] } {
  return { before: parts.filter((p) => p.kind !== "ins"), after: parts.filter((p) => p.kind !== "del") };
}
