// Prompt text normalization for exact-duplicate detection, and the word tokens near-duplicate shingles use.
import { hash } from "node:crypto";

/**
 * NFKC (folds full-width letters, ligatures, non-breaking spaces), lowercase, every run of
 * whitespace to one space, trimmed. Two prompts are exact duplicates when this is equal.
 * Lowercasing is locale-independent so every server agrees.
 */
export function normalizePromptText(text: string): string {
  return text.normalize("NFKC").toLowerCase().replace(/\s+/gu, " ").trim();
}

/**
 * The first 64 bits of the normalized text's sha256: a compact key for exact-duplicate lookups
 * (two different prompts among a million share one with odds of ~3e-8).
 */
export function exactDuplicateKey(text: string): bigint {
  return hash("sha256", normalizePromptText(text), "buffer").readBigUInt64BE(0);
}

/**
 * Words for shingling: runs of letters, digits and marks in the normalized text, so
 * punctuation and spacing changes do not count as edits.
 */
export function tokenizeWords(text: string): string[] {
  return normalizePromptText(text).match(/[\p{L}\p{N}\p{M}]+/gu) ?? [];
}
