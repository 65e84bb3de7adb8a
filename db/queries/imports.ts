// Data access for file imports: multi-row inserts of prompts, completions and imported rankings.
import type { DbOrTx } from "../client";
import { completions, prompts, rankings, type NewCompletion, type NewPrompt, type NewRanking } from "../schema";

/** Rows per INSERT: well under Postgres's 65,535 bind parameters at ~10 columns a row. */
export const IMPORT_BATCH_ROWS = 500;

/**
 * Inserts prompts, skipping any whose (project_id, content_hash) already exists (the partial
 * unique index; a concurrent import of the same rows waits on it, then skips them too).
 * Returns the rows actually inserted.
 */
export async function insertImportedPrompts(db: DbOrTx, rows: NewPrompt[]) {
  if (!rows.length) return [];
  return db.insert(prompts).values(rows).onConflictDoNothing().returning({ id: prompts.id, contentHash: prompts.contentHash });
}

export async function insertImportedCompletions(db: DbOrTx, rows: NewCompletion[]) {
  for (let i = 0; i < rows.length; i += IMPORT_BATCH_ROWS) {
    await db.insert(completions).values(rows.slice(i, i + IMPORT_BATCH_ROWS));
  }
}

export async function insertImportedRankings(db: DbOrTx, rows: NewRanking[]) {
  for (let i = 0; i < rows.length; i += IMPORT_BATCH_ROWS) {
    await db.insert(rankings).values(rows.slice(i, i + IMPORT_BATCH_ROWS));
  }
}
