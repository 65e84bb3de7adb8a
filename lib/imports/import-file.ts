// Imports a file of prompts, demonstrations, model outputs and preference rankings into a project, all-or-nothing.
import "server-only";
import { assertRole } from "@/lib/auth/roles";
import { randomUUID } from "node:crypto";
import { createReadStream } from "node:fs";
import { stat } from "node:fs/promises";
import path from "node:path";
import { Transform } from "node:stream";
import { z } from "zod";
import { getDb } from "@/db/client";
import * as q from "@/db/queries/imports";
import type { NewCompletion, NewPrompt, NewRanking, Project } from "@/db/schema";
import { recordAudit } from "@/lib/audit";
import { AppError, isAppError, parseInput } from "@/lib/errors";
import { contentHash, formatNames, parseImportFile, promptGroupedFormats, type FormatName, type ImportRecord } from "@/lib/formats/import";
import { projectBySlugOr404, type AnyActor } from "@/lib/projects/projects";
import { slugInput } from "@/lib/validation/projects";
import { importConversationPaths, type PathCache } from "@/lib/conversations/import-path";
import { importOasstTree } from "@/lib/conversations/oasst";
import { screenTransaction } from "@/lib/screening/screen";
import { writeGroupedBatch } from "./grouped-batch";
import { ratingQuestionFor } from "./rating-question";
import { languageCodeInput } from "@/lib/languages/codes";
import { detectLanguage } from "@/lib/languages/detect";

export const importFileInput = z
  .object({
    projectSlug: slugInput,
    path: z.string({ error: "path is required" }).min(1, "path is required"),
    format: z.enum(formatNames, { error: `format must be one of ${formatNames.join(", ")}` }).optional(),
    /** the name shown in the audit log when `path` is a temp file (uploads) */
    filename: z.string().max(500).optional(),
    /** the file's prompts' language (ISO 639-1), declared; when absent each prompt's is detected (lib/languages/detect.ts) */
    language: languageCodeInput.optional(),
  })
  .strict();
export type ImportFileInput = z.infer<typeof importFileInput>;

export type ImportProgress = { bytesRead: number; totalBytes: number; rowsRead: number; prompts: number; duplicatesSkipped: number };

export type ImportSummary = {
  project: string;
  /** the format named, or the one detected from the first row; null for an empty file */
  format: FormatName | null;
  rowsRead: number;
  /** prompts created */
  prompts: number;
  /** prompts the project already had that this file added outputs or rankings to (grouped formats only) */
  joined: number;
  completions: number;
  rankings: number;
  duplicatesSkipped: number;
  /** prompts created for the earlier user turns of conversations (hh-rlhf dialogues, TRL/OpenAI message lists), and the assistant replies between them */
  earlierTurns: number;
  earlierReplies: number;
  elapsedMs: number;
};

/** Records per flush: one multi-row INSERT of prompts, then their completions and rankings. */
const BATCH = q.IMPORT_BATCH_ROWS;

/**
 * One transaction for the whole file. Prompts are source `import`, status `approved` (imported
 * prompts are curated data, ready to rank without a review round); rankings source `import`,
 * annotator null. Formats of one example per row make a prompt per row, with its completions
 * and ranking. Formats of outputs for an instruction set (promptGroupedFormats: AlpacaEval
 * judgments and outputs, ranking tasks) group rows by instruction and input into one prompt,
 * joining one the project already has, with each generator's output stored once and each
 * judgment a ranking (writeGroupedBatch). A bad row throws ImportRowError (line and field) and
 * rolls everything back. Rows that repeat an earlier row of the file, or whose content the
 * project already holds, are skipped and counted as duplicates, so re-importing a file adds
 * nothing. Imported rankings leave `rankingCount` at 0: it counts human rankings toward the
 * overlap, and imported orders are kept apart from them. Memory: one batch of records, plus a
 * content hash per distinct row (to skip repeats within the file) and the ids of the prompts
 * this import created or joined.
 */
export async function importFile(
  actor: AnyActor | null,
  raw: ImportFileInput,
  opts: { onProgress?: (p: ImportProgress) => void } = {},
): Promise<ImportSummary> {
  const who = assertRole(actor, "admin");
  const input = parseInput(importFileInput, raw, "import");
  const started = Date.now();
  const totalBytes = await fileSize(input.path);

  return getDb().transaction(async (tx) => {
    const project = await projectBySlugOr404(tx, input.projectSlug).catch((e) => {
      throw isAppError(e) ? new AppError("not_found:project", e.message, { projectSlug: ["Unknown project"] }) : e;
    });
    const counts = { rowsRead: 0, prompts: 0, joined: 0, completions: 0, rankings: 0, duplicatesSkipped: 0, earlierTurns: 0, earlierReplies: 0 };
    // The conversation turns this import placed (grows with the distinct earlier turns in the file).
    const paths: PathCache = new Map();
    const created = new Set<string>();
    const joined = new Set<string>();
    let format: FormatName | null = input.format ?? null;
    let bytesRead = 0;
    // Hashes seen in this file; the database catches the ones from earlier imports.
    const seen = new Set<string>();
    let batch: { record: ImportRecord; hash: string }[] = [];

    const flush = async () => {
      if (!batch.length) return;
      const grouped = format !== null && promptGroupedFormats.has(format);
      const written = grouped
        ? await writeGroupedBatch(tx, project.id, batch, (record, key) => promptRow(project, record, key, null, input.language), created, joined)
        : await writeBatch(tx, project, batch, paths, counts, input.language);
      counts.prompts += written.prompts;
      counts.completions += written.completions;
      counts.rankings += written.rankings;
      counts.duplicatesSkipped += written.unchangedRows;
      counts.joined = joined.size;
      batch = [];
      opts.onProgress?.({ bytesRead, totalBytes, rowsRead: counts.rowsRead, prompts: counts.prompts, duplicatesSkipped: counts.duplicatesSkipped });
    };

    const counter = new Transform({
      transform(chunk: Buffer, _enc, done) {
        bytesRead += chunk.length;
        done(null, chunk);
      },
    });
    const file = createReadStream(input.path);
    file.on("error", (e) => counter.destroy(e));
    file.pipe(counter);
    try {
      for await (const record of parseImportFile(counter, { format: input.format })) {
        counts.rowsRead++;
        format ??= (record.meta.format as FormatName | undefined) ?? null;
        const hash = contentHash(record);
        if (seen.has(hash)) {
          counts.duplicatesSkipped++;
          continue;
        }
        seen.add(hash);
        batch.push({ record, hash });
        if (batch.length >= BATCH) await flush();
      }
      await flush();
    } catch (e) {
      throw asImportError(e);
    } finally {
      file.destroy();
    }

    await screenTransaction(tx, project.id);
    await recordAudit(tx, {
      actorId: who.id,
      action: "import.file",
      targetType: "project",
      targetId: project.id,
      data: { file: input.filename ?? path.basename(input.path), format, ...counts, via: who.via },
    });
    return { project: project.slug, format, ...counts, elapsedMs: Date.now() - started };
  });
}

/** `language`: the file's declared language; else the prompt's own text (instruction and input) is detected, null when unsure. */
function promptRow(project: Project, record: ImportRecord, contentHash: string, parentCompletionId: string | null = null, language?: string): NewPrompt {
  return {
    projectId: project.id,
    parentCompletionId,
    // The system message sits on a conversation's first turn.
    system: record.conversation && !record.conversation.turns.length ? record.conversation.system : null,
    instruction: record.instruction,
    input: record.input,
    category: projectCategory(project, record.category),
    language: language ?? detectLanguage(record.input ? `${record.instruction}\n${record.input}` : record.instruction),
    authorId: null,
    source: "import",
    status: "approved",
    contentHash,
    rankingCount: 0,
    submittedAt: new Date(),
  };
}

async function writeBatch(
  tx: Parameters<typeof q.insertImportedPrompts>[0],
  project: Project,
  batch: { record: ImportRecord; hash: string }[],
  paths: PathCache,
  counts: { earlierTurns: number; earlierReplies: number },
  language: string | undefined,
) {
  // Open-Assistant rows are whole trees: written message by message, found again by their paths.
  const trees = batch.filter(({ record }) => record.tree);
  const tally = { prompts: 0, completions: 0, rankings: 0, unchanged: 0 };
  for (const { record } of trees) {
    const c = await importOasstTree(tx, project.id, record.tree!, paths, language);
    // A tree that added nothing (all of it already in the project) is an unchanged row.
    if (!c.prompts && !c.completions) tally.unchanged++;
    tally.prompts += c.prompts;
    tally.completions += c.completions;
    tally.rankings += c.rankings;
  }
  if (trees.length) batch = batch.filter(({ record }) => !record.tree);
  // The earlier turns of conversations first, for the whole batch: each row's last turn then names its parent reply.
  const placed = await importConversationPaths(tx, project.id, batch.map(({ record }) => record.conversation ?? { system: null, turns: [] }), paths, language);
  counts.earlierTurns += placed.prompts;
  counts.earlierReplies += placed.completions;
  const promptRows: NewPrompt[] = batch.map(({ record, hash }, k) => promptRow(project, record, hash, placed.parents[k], language));
  const inserted = await q.insertImportedPrompts(tx, promptRows);
  const idByHash = new Map(inserted.map((p) => [p.contentHash!, p.id]));

  const completionRows: NewCompletion[] = [];
  const rankingRows: NewRanking[] = [];
  for (const { record, hash } of batch) {
    const promptId = idByHash.get(hash);
    if (!promptId) continue; // already in the project from an earlier import
    // Ids made here so the ranking can name its completions without reading them back.
    const ids = record.completions.map(() => randomUUID());
    record.completions.forEach((c, i) => {
      completionRows.push(
        c.source === "human"
          ? { id: ids[i], promptId, text: c.text, source: "human", generator: c.generator, isDemonstration: true, status: "approved" }
          : { id: ids[i], promptId, text: c.text, source: "import", generator: c.generator },
      );
    });
    if (record.ranking) {
      // Per-criterion ratings (UltraFeedback) are the imported ranking's answer to the project's rating question.
      const rated = record.ratings ? record.ratings.byCompletion.flatMap((r, i) => (Object.keys(r).length ? [[ids[i], r] as const] : [])) : [];
      const answers = rated.length ? { [(await ratingQuestionFor(tx, project, record)).id]: Object.fromEntries(rated) } : undefined;
      rankingRows.push({ promptId, annotatorId: null, source: "import", order: record.ranking.map((group) => group.map((i) => ids[i])), ...(answers ? { answers } : {}) });
    }
  }
  await q.insertImportedCompletions(tx, completionRows);
  await q.insertImportedRankings(tx, rankingRows);
  return {
    prompts: inserted.length + tally.prompts,
    completions: completionRows.length + tally.completions,
    rankings: rankingRows.length + tally.rankings,
    unchangedRows: batch.length - inserted.length + tally.unchanged,
  };
}

/** A file's category matched to the project's own spelling ("open_qa" → "open QA"); kept as written when none matches. */
function projectCategory(project: Project, category: string | null): string | null {
  if (!category) return null;
  const norm = (s: string) => s.toLowerCase().replace(/[\s_-]+/g, " ").trim();
  return project.categories.find((c) => norm(c) === norm(category)) ?? category;
}

async function fileSize(file: string): Promise<number> {
  try {
    const s = await stat(file);
    if (!s.isFile()) throw new AppError("bad_request:import", `${file} is not a file.`, { path: ["Not a file"] });
    return s.size;
  } catch (e) {
    if (isAppError(e)) throw e;
    throw new AppError("bad_request:import", `Cannot read ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}.`, { path: ["Cannot read the file"] });
  }
}

/** Row errors pass through; a broken gzip stream or unreadable file becomes one clear 400. */
function asImportError(e: unknown): unknown {
  if (isAppError(e)) return e;
  const err = e as NodeJS.ErrnoException;
  if (err?.code?.startsWith("Z_") || err?.code === "EISDIR" || err?.code === "ENOENT" || err?.code === "EACCES") {
    return new AppError("bad_request:import", `Cannot read the file: ${err.message}`, { path: [err.message] });
  }
  return e;
}
