// Writes a batch of rows that share prompts (judgments, model outputs, ranking tasks): one prompt per instruction and input, each generator's output once, each judgment one ranking.
import "server-only";
import { createHash, randomUUID } from "node:crypto";
import type { DbOrTx } from "@/db/client";
import * as q from "@/db/queries/imports";
import type { NewCompletion, NewPrompt, NewRanking } from "@/db/schema";
import { promptKeyHash, type ImportRecord } from "@/lib/formats/import";

export type GroupedBatchResult = {
  /** prompts created */
  prompts: number;
  completions: number;
  rankings: number;
  /** rows that added nothing: their prompt, outputs and judgment were all there already */
  unchangedRows: number;
};

/** Imported rankings carry this idempotency key, so a judgment already stored is recognised on re-import. */
export const importRankingKey = (recordHash: string) => `import:${recordHash}`;

const md5 = (text: string) => createHash("md5").update(text, "utf8").digest("hex");
const sameInput = (a: string | null, b: string | null) => (a || null) === (b || null);

/**
 * Everything is looked up in the database inside the import's transaction, batch by batch, so
 * what earlier batches wrote is found like what earlier imports wrote, and memory holds one
 * batch. A row's prompt is the one with its prompt key (made by an earlier grouped import),
 * else the oldest prompt of the project with the same instruction and input (e.g. a ranking
 * task), else a new one. An output joins a completion of that prompt with the same text and
 * generator; the same text from two generators stays two completions, so each generator keeps
 * its wins and ties (AlpacaEval's tied judgments are mostly two models writing the same text).
 * A ranking that names one completion twice keeps it once and is dropped when fewer than two
 * remain. `created` collects the prompts this import made; `joined` the ones it found and
 * added to.
 */
export async function writeGroupedBatch(
  tx: DbOrTx,
  projectId: string,
  batch: { record: ImportRecord; hash: string }[],
  newPrompt: (record: ImportRecord, contentHash: string) => NewPrompt,
  created: Set<string>,
  joined: Set<string>,
): Promise<GroupedBatchResult> {
  const rows = batch.map((b) => ({ ...b, key: promptKeyHash(b.record) }));
  const promptOf = await resolvePrompts(tx, projectId, rows);

  const missing = new Map<string, NewPrompt>();
  for (const { record, key } of rows) if (!promptOf.has(key) && !missing.has(key)) missing.set(key, newPrompt(record, key));
  const inserted = await q.insertImportedPrompts(tx, [...missing.values()]);
  for (const p of inserted) {
    promptOf.set(p.contentHash!, p.id);
    created.add(p.id);
  }
  // A concurrent import of the same file made some of them first: join those.
  if (inserted.length < missing.size) {
    const late = await resolvePrompts(tx, projectId, rows.filter((r) => !promptOf.has(r.key)));
    for (const [k, id] of late) promptOf.set(k, id);
  }

  const promptIds = [...new Set(promptOf.values())];
  const completionOf = new Map<string, string>();
  for (const c of await q.listCompletionDigests(tx, promptIds)) {
    const k = `${c.promptId}\u0000${c.generator ?? ""}\u0000${c.md5}`;
    if (!completionOf.has(k)) completionOf.set(k, c.id);
  }
  const rankingKeys = rows.filter((r) => r.record.ranking).map((r) => importRankingKey(r.hash));
  const storedRankings = await q.listImportedRankingKeys(tx, { promptIds, keys: rankingKeys });

  const completionRows: NewCompletion[] = [];
  const rankingRows: NewRanking[] = [];
  let unchangedRows = 0;
  for (const { record, hash, key } of rows) {
    const promptId = promptOf.get(key)!;
    // A new prompt has no completions yet, so the row that made it adds at least one below.
    let added = false;
    const ids = record.completions.map((c) => {
      const k = `${promptId}\u0000${c.generator ?? ""}\u0000${md5(c.text)}`;
      let id = completionOf.get(k);
      if (!id) {
        id = randomUUID();
        completionOf.set(k, id);
        completionRows.push(
          c.source === "human"
            ? { id, promptId, text: c.text, source: "human", generator: c.generator, isDemonstration: true, status: "approved" }
            : { id, promptId, text: c.text, source: "import", generator: c.generator },
        );
        added = true;
      }
      return id;
    });
    const rankingKey = importRankingKey(hash);
    if (record.ranking && !storedRankings.has(rankingKey)) {
      storedRankings.add(rankingKey);
      const seen = new Set<string>();
      const once = (id: string) => {
        if (seen.has(id)) return false;
        seen.add(id);
        return true;
      };
      const order = record.ranking.map((group) => group.map((i) => ids[i]).filter(once)).filter((g) => g.length);
      if (seen.size >= 2) {
        rankingRows.push({ promptId, annotatorId: null, source: "import", order, idempotencyKey: rankingKey });
        added = true;
      }
    }
    if (!added) unchangedRows++;
    else if (!created.has(promptId)) joined.add(promptId);
  }
  await q.insertImportedCompletions(tx, completionRows);
  await q.insertImportedRankings(tx, rankingRows);
  return { prompts: inserted.length, completions: completionRows.length, rankings: rankingRows.length, unchangedRows };
}

/** Prompt key → prompt id for the rows whose prompt the project has: its own prompt key first, else the oldest with the same instruction and input. */
async function resolvePrompts(tx: DbOrTx, projectId: string, rows: Array<{ record: ImportRecord; key: string }>): Promise<Map<string, string>> {
  const keys = [...new Set(rows.map((r) => r.key))];
  const instructions = [...new Set(rows.map((r) => r.record.instruction))];
  const targets = await q.listImportTargets(tx, { projectId, contentHashes: keys, instructions });
  const wanted = new Set(keys);
  const out = new Map<string, string>();
  for (const t of targets) if (t.contentHash && wanted.has(t.contentHash)) out.set(t.contentHash, t.id);
  for (const { record, key } of rows) {
    if (out.has(key)) continue;
    const match = targets.find((t) => t.instruction === record.instruction && sameInput(t.input, record.input));
    if (match) out.set(key, match.id);
  }
  return out;
}
