// A stable fingerprint of an imported record's content, so importing the same file twice adds nothing.
import { createHash } from "node:crypto";
import type { ImportRecord } from "./types";

/**
 * sha256 (hex) over canonical JSON of what makes a record the same record: instruction,
 * input, each completion's text and generator (in order), and the ranking. Arrays, not
 * objects, so key order cannot vary. Line, category, completion source and meta are left
 * out: the same row moved within a file, or re-labelled, is still a duplicate. Texts are
 * hashed as written; near-duplicates are lib/dedup's job. The version tag lets the
 * definition change without colliding with old hashes.
 */
export function contentHash(record: Pick<ImportRecord, "instruction" | "input" | "completions" | "ranking" | "conversation" | "tree">): string {
  // An Open-Assistant tree is the same row when it holds the same messages (ids included).
  if (record.tree) return createHash("sha256").update(JSON.stringify(["tuneloop-oasst-v1", record.tree]), "utf8").digest("hex");
  // A conversation's history is part of what the row is (two dialogues may end with the same
  // "Why?"); single-turn rows hash as they always did.
  const history = record.conversation ? [[record.conversation.system, record.conversation.turns.map((t) => [t.user, t.assistant])]] : [];
  const canonical = JSON.stringify([
    "tuneloop-import-v1",
    ...history,
    record.instruction,
    record.input,
    record.completions.map((c) => [c.text, c.generator]),
    record.ranking,
  ]);
  return createHash("sha256").update(canonical, "utf8").digest("hex");
}

/**
 * sha256 (hex) of a prompt's identity for the formats that group rows by prompt (see
 * promptGroupedFormats): instruction and input as written, so every judgment or output of one
 * instruction lands on one prompt. Stored as that prompt's content_hash.
 */
export function promptKeyHash(record: Pick<ImportRecord, "instruction" | "input">): string {
  return createHash("sha256").update(JSON.stringify(["tuneloop-prompt-v1", record.instruction, record.input || null]), "utf8").digest("hex");
}
