// Data access for file imports: multi-row inserts of prompts, completions and imported rankings, and the look-ups that let grouped rows join what a project already has.
import "server-only";
import { and, asc, eq, inArray, isNull, ne, or, sql } from "drizzle-orm";
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

/**
 * Prompts of a project that grouped import rows may join: those with one of the content hashes
 * or one of the instructions, oldest first. Drafts, gold tasks and release-gate copies are never
 * joined. Called with one batch of keys; PostgreSQL answers it with a scan of the project's
 * prompts (measured ~50 ms per batch at 100,000 prompts), so a grouped import costs about
 * (rows / 500) such scans.
 */
export async function listImportTargets(db: DbOrTx, opts: { projectId: string; contentHashes: string[]; instructions: string[] }) {
  if (!opts.contentHashes.length && !opts.instructions.length) return [];
  return db
    .select({ id: prompts.id, instruction: prompts.instruction, input: prompts.input, contentHash: prompts.contentHash })
    .from(prompts)
    .where(
      and(
        eq(prompts.projectId, opts.projectId),
        eq(prompts.isGold, false),
        isNull(prompts.compareVersionId),
        ne(prompts.status, "draft"),
        or(inArray(prompts.contentHash, opts.contentHashes), inArray(prompts.instruction, opts.instructions)),
      ),
    )
    .orderBy(asc(prompts.createdAt), asc(prompts.id));
}

/** The completions of some prompts as (id, prompt, generator, md5 of the text): enough to match an output without reading its text. */
export async function listCompletionDigests(db: DbOrTx, promptIds: string[]) {
  if (!promptIds.length) return [];
  return db
    .select({ id: completions.id, promptId: completions.promptId, generator: completions.generator, md5: sql<string>`md5(${completions.text})` })
    .from(completions)
    .where(inArray(completions.promptId, promptIds))
    .orderBy(asc(completions.createdAt), asc(completions.id));
}

/** Which of `keys` the imported rankings (annotator null) of these prompts already carry as their idempotency key. */
export async function listImportedRankingKeys(db: DbOrTx, opts: { promptIds: string[]; keys: string[] }): Promise<Set<string>> {
  if (!opts.promptIds.length || !opts.keys.length) return new Set();
  const rows = await db
    .select({ key: rankings.idempotencyKey })
    .from(rankings)
    .where(and(inArray(rankings.promptId, opts.promptIds), isNull(rankings.annotatorId), inArray(rankings.idempotencyKey, opts.keys)));
  return new Set(rows.map((r) => r.key!));
}
