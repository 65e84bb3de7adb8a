// Prompt text normalization for exact-duplicate detection, and the word tokens near-duplicate shingles use.
import { createHash } from "node:crypto";

/**
 * NFKC (folds full-width letters, ligatures, non-breaking spaces), lowercase, every run of
 * whitespace to one space, trimmed. Two prompts are exact duplicates when this is equal.
 * Lowercasing is locale-independent so every server agrees.
 */
export function normalizePromptText(text: string): string {
  return text.normalize("NFKC").toLowerCase().replace(/\s+/gu, " ").trim();
}

/** sha256 (hex) of the normalized text: a compact key for exact-duplicate lookups. */
export function exactDuplicateKey(text: string): string {
  return createHash("sha256").update(normalizePromptText(text), "utf8").digest("hex");
}

/**
 * Words for shingling: runs of letters, digits and marks in the normalized text, so
 * punctuation and spacing changes do not count as edits.
 */
export function tokenizeWords(text: string): string[] {
  return normalizePromptText(text).match(/[\p{L}\p{N}\p{M}]+/gu) ?? [];
}
