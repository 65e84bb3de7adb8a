// Data access for export snapshots: the prompt cursor that curation reads, and the exports rows.
import "server-only";
import { and, desc, eq, sql } from "drizzle-orm";
import type { DbOrTx } from "../client";
import { exports, type Answers, type NewExport } from "../schema";
import { conversationColumn, parseConversation, type Conversation } from "./conversations";

export type CursorPrompt = {
  id: string;
  instruction: string;
  input: string | null;
  category: string | null;
  /** prompts.language: a code, null when undetermined (absent where a caller builds one by hand) */
  language?: string | null;
  status: "draft" | "submitted" | "approved" | "rejected";
  settled: boolean;
  /** a first turn's system message */
  system?: string | null;
  /** the turns before this one when the prompt continues a conversation, else null */
  conversation?: Conversation | null;
  completions: Array<{ id: string; text: string; source: "human" | "model" | "import"; generator: string | null; isDemonstration: boolean; status: string; parentId: string | null; continued?: boolean }>;
  rankings: Array<{ annotatorId: string | null; source: "human" | "import"; order: string[][]; noneAcceptable: boolean; excluded: boolean; flags: Record<string, string[]>; goldScore: number | null; answers?: Answers }>;
  /** the reward model's order of the outputs it scored, best first, where the export counts it as a ranking (settings.rewardAsRanking); else absent or null */
  rewardOrder?: string[] | null;
};

/** The prompts an export reads: the project's as of `cutoff`, without gold tasks and release-gate copies (evaluation, never training data). */
const exportablePrompts = (projectId: string, cutoff: Date, language?: string) =>
  sql`p.project_id = ${projectId} and p.created_at <= ${cutoff} and not p.is_gold and p.compare_version_id is null${language ? sql` and p.language = ${language}` : sql``}`;

/** Each prompt with its completions and current rankings as of `cutoff`, as JSON columns; with a reward model, its order of the outputs (ties by id). */
const curationSelect = (cutoff: Date, rewardModelId?: string) => sql`
    select p.id, p.instruction, p.input, p.category, p.language, p.status, p.settled, p.system, ${conversationColumn("p")} as conversation,
      coalesce((select json_agg(json_build_object(
          'id', c.id, 'text', c.text, 'source', c.source, 'generator', c.generator, 'modelVersionId', c.model_version_id,
          'isDemonstration', c.is_demonstration, 'status', c.status, 'parentId', c.parent_id,
          -- an approved demonstration some later approved turn continues: that longer path's SFT row holds it
          'continued', c.is_demonstration and exists (select 1 from prompts cp join completions cc on cc.prompt_id = cp.id
            where cp.parent_completion_id = c.id and cp.status = 'approved' and cp.created_at <= ${cutoff}
              and cc.is_demonstration and cc.status = 'approved' and cc.created_at <= ${cutoff})) order by c.id)
        from completions c
        where c.prompt_id = p.id and c.created_at <= ${cutoff}), '[]'::json) as completions,
      coalesce((select json_agg(json_build_object(
          'annotatorId', r.annotator_id, 'source', r.source, 'order', r."order", 'noneAcceptable', r.none_acceptable,
          'excluded', r.excluded,
          'flags', r.flags, 'goldScore', r.gold_score, 'answers', r.answers) order by r.id)
        from rankings r where r.prompt_id = p.id and r.is_current and r.created_at <= ${cutoff}), '[]'::json) as rankings,
      ${rewardModelId
        ? sql`(select json_agg(rs.completion_id order by rs.score desc, rs.completion_id) from reward_scores rs join completions c on c.id = rs.completion_id
            where c.prompt_id = p.id and rs.model_version_id = ${rewardModelId} and rs.created_at <= ${cutoff})`
        : sql`null::json`} as "rewardOrder"
    from prompts p`;

type CurationRow = Omit<CursorPrompt, "completions" | "conversation" | "rewardOrder"> & { conversation: unknown; completions: Array<CursorPrompt["completions"][number] & { modelVersionId: string | null }> | string; rankings: CursorPrompt["rankings"] | string; rewardOrder: string[] | string | null };

/** Version labels and excluded annotators are few: read once per export and joined in JavaScript rather than per row in SQL. */
async function curationContext(tx: DbOrTx, projectId: string) {
  const labels = new Map(((await tx.execute(sql`select id, label from model_versions where project_id = ${projectId}`)).rows as Array<{ id: string; label: string }>).map((v) => [v.id, v.label]));
  const excluded = new Set(((await tx.execute(sql`select user_id from excluded_annotators where project_id = ${projectId}`)).rows as Array<{ user_id: string }>).map((x) => x.user_id));
  // node-postgres parses json columns; PGlite may hand them over as text.
  const json = <T>(v: T | string): T => (typeof v === "string" ? (JSON.parse(v) as T) : v);
  return (row: CurationRow): CursorPrompt => ({
    ...row,
    conversation: parseConversation(row.conversation),
    // A version's outputs are known by its label; others by their generator.
    completions: json(row.completions).map(({ modelVersionId, ...c }) => ({ ...c, generator: (modelVersionId && labels.get(modelVersionId)) || c.generator })),
    rankings: json(row.rankings).map((r) => (r.annotatorId && excluded.has(r.annotatorId) ? { ...r, excluded: true } : r)),
    rewardOrder: row.rewardOrder === null ? null : json(row.rewardOrder),
  });
}

/**
 * Reads a project's prompts as of `cutoff`, each with its completions and current rankings.
 * `stream()` goes through a server-side cursor in id order (stable output), `batch` prompts at
 * a time (two batches in memory while the next is read); `byIds()` reads a few prompts (the
 * duplicates merged into a kept one) the same way, also in id order, between the cursor's
 * fetches. Must run inside a transaction (cursors live in one).
 */
export async function openCurationReader(tx: DbOrTx, opts: { projectId: string; cutoff: Date; language?: string; rewardModelId?: string }) {
  const toPrompt = await curationContext(tx, opts.projectId);
  const where = exportablePrompts(opts.projectId, opts.cutoff, opts.language);
  return {
    async *stream(batch = 500): AsyncGenerator<CursorPrompt> {
      const name = `export_${Math.random().toString(36).slice(2, 10)}`;
      await tx.execute(sql`declare ${sql.raw(name)} no scroll cursor for ${curationSelect(opts.cutoff, opts.rewardModelId)} where ${where} order by p.id`);
      yield* fetchAll(tx, name, batch, toPrompt);
    },
    async byIds(ids: string[]): Promise<CursorPrompt[]> {
      if (!ids.length) return [];
      const list = sql.join(ids.map((id) => sql`${id}::uuid`), sql`, `);
      const res = await tx.execute(sql`${curationSelect(opts.cutoff, opts.rewardModelId)} where ${where} and p.id in (${list}) order by p.id`);
      return (res.rows as CurationRow[]).map(toPrompt);
    },
  };
}

/** The text of each prompt an export may keep (not rejected, not a draft), in id order through a cursor: what duplicate detection reads. */
export async function* streamPromptTexts(
  tx: DbOrTx,
  opts: { projectId: string; cutoff: Date; batch?: number; language?: string },
): AsyncGenerator<{ id: string; instruction: string; input: string | null; system: string | null; conversation: Conversation | null }> {
  const name = `dedup_${Math.random().toString(36).slice(2, 10)}`;
  await tx.execute(sql`declare ${sql.raw(name)} no scroll cursor for
    select p.id, p.instruction, p.input, p.system, ${conversationColumn("p")} as conversation from prompts p
    where ${exportablePrompts(opts.projectId, opts.cutoff, opts.language)} and p.status not in ('rejected', 'draft')
    order by p.id`);
  type Row = { id: string; instruction: string; input: string | null; system: string | null; conversation: unknown };
  yield* fetchAll(tx, name, opts.batch ?? 2000, (row: Row) => withHistoryText({ ...row, conversation: parseConversation(row.conversation) }));
}

/**
 * Duplicate detection compares a prompt's text: for a later turn of a conversation, or a turn
 * with a system message, that text is the whole conversation so far ("system: …\n\nuser: …\n\n
 * assistant: …\n\nuser: <instruction>"), so two conversations that end with the same "Why?"
 * are not duplicates. `input` then rides inside it.
 */
function withHistoryText<T extends { instruction: string; input: string | null; system: string | null; conversation: Conversation | null }>(p: T): T {
  const system = p.conversation ? p.conversation.system : p.system;
  if (!p.conversation && system === null) return p;
  const parts = system !== null ? [`system: ${system}`] : [];
  for (const t of p.conversation?.turns ?? []) parts.push(`user: ${t.user}`, `assistant: ${t.assistant}`);
  parts.push(`user: ${p.input ? `${p.instruction}\n\n${p.input}` : p.instruction}`);
  return { ...p, instruction: parts.join("\n\n"), input: null };
}

/**
 * The current human rankings of each prompt that has two or more of them (what leave-one-out
 * agreement needs), as of `cutoff`, prompt by prompt through a cursor. Inside a transaction.
 */
export async function* streamHumanRankingGroups(tx: DbOrTx, opts: { projectId: string; cutoff: Date; batch?: number }): AsyncGenerator<Array<{ annotatorId: string | null; order: string[][] }>> {
  const name = `loo_${Math.random().toString(36).slice(2, 10)}`;
  await tx.execute(sql`
    declare ${sql.raw(name)} no scroll cursor for
    select json_agg(json_build_object('annotatorId', r.annotator_id, 'order', r."order") order by r.id) as rankings
    from rankings r join prompts p on p.id = r.prompt_id
    where p.project_id = ${opts.projectId} and p.created_at <= ${opts.cutoff} and not p.is_gold
      and r.source = 'human' and r.is_current and not r.excluded and r.created_at <= ${opts.cutoff}
      and not exists (select 1 from excluded_annotators x where x.project_id = p.project_id and x.user_id = r.annotator_id)
    group by r.prompt_id having count(*) >= 2
    order by r.prompt_id`);
  type Row = { rankings: Array<{ annotatorId: string | null; order: string[][] }> | string };
  type Group = Exclude<Row["rankings"], string>;
  // The text is this query's own json_agg (some drivers hand json back unparsed): its shape is the select's, so a cast.
  yield* fetchAll(tx, name, opts.batch ?? 2000, (row: Row) => (typeof row.rankings === "string" ? (JSON.parse(row.rankings) as Group) : row.rankings));
}

/** Drains a declared cursor batch by batch, asking for the next batch before handing out the current one, then closes it. */
async function* fetchAll<R, T>(tx: DbOrTx, cursor: string, batch: number, map: (row: R) => T): AsyncGenerator<T> {
  const fetch = () => tx.execute(sql.raw(`fetch ${batch} from ${cursor}`)).then((res) => res.rows as R[]);
  let pending = fetch();
  for (;;) {
    const rows = await pending;
    // The database reads the next batch while this one is curated.
    if (rows.length === batch) pending = fetch();
    for (const row of rows) yield map(row);
    if (rows.length < batch) break;
  }
  await tx.execute(sql.raw(`close ${cursor}`));
}

/** Each annotator's gold scores in a project, for reliability weights. */
export async function listGoldScores(db: DbOrTx, projectId: string) {
  const res = await db.execute(sql`
    select r.annotator_id as "annotatorId", r.gold_score as "goldScore"
    from rankings r join prompts p on p.id = r.prompt_id
    where p.project_id = ${projectId} and r.gold_score is not null and r.is_current`);
  return res.rows as Array<{ annotatorId: string; goldScore: number }>;
}

export async function insertExport(db: DbOrTx, row: NewExport) {
  const [created] = await db.insert(exports).values(row).returning();
  return created;
}

export async function getExportById(db: DbOrTx, id: string) {
  const [row] = await db.select().from(exports).where(eq(exports.id, id));
  return row ?? null;
}

export async function listExportsByProject(db: DbOrTx, projectId: string, limit = 100) {
  return db.select().from(exports).where(and(eq(exports.projectId, projectId))).orderBy(desc(exports.createdAt)).limit(limit);
}

/** The first statement of a snapshot's transaction: both passes over the data read one consistent moment. */
export async function useRepeatableRead(tx: DbOrTx) {
  await tx.execute(sql`set transaction isolation level repeatable read`);
}
