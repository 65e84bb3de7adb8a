// Data access for conversations: a prompt's history (the path of turns from its root) and the look-ups that build paths on import.
import "server-only";
import { and, asc, eq, inArray, sql, type SQL } from "drizzle-orm";
import type { DbOrTx } from "../client";
import { completions, prompts, type NewCompletion, type NewPrompt } from "../schema";

/** One earlier exchange of a conversation: the user turn (a prompt) and the assistant reply (its completion) the next turn answers. */
export type HistoryTurn = {
  promptId: string;
  completionId: string;
  user: string;
  assistant: string;
  /** the earlier prompt is neither rejected nor a draft, and the reply is not rejected */
  live: boolean;
  /** the earlier prompt is approved and the reply an approved demonstration: a turn SFT may train on */
  approved: boolean;
};
/** A prompt's place in its conversation: the root prompt's id and system message, and the exchanges before this turn, oldest first. */
export type Conversation = { rootId: string; system: string | null; turns: HistoryTurn[] };

/** The user turn's text, as lib/exports/curate's promptText: instruction, then the input after a blank line when there is one. */
const userText = (a: string) => `case when ${a}.input is not null and ${a}.input <> '' then ${a}.instruction || E'\\n\\n' || ${a}.input else ${a}.instruction end`;

/**
 * A JSON column with the conversation of prompt `p` (as Conversation), null for a first turn
 * (its system message is p.system). Walks parent_completion_id up to the root, one index
 * look-up per turn; depth is capped at 10,000 turns so a cycle, which no code path writes
 * (the parent is set at insert and never changed), could not loop forever.
 */
export const conversationColumn = (p: string): SQL => sql.raw(`case when ${p}.parent_completion_id is null then null else (
    with recursive up(prompt_id, completion_id, depth) as (
      select c.prompt_id, c.id, 1 from completions c where c.id = ${p}.parent_completion_id
      union all
      select c.prompt_id, c.id, up.depth + 1 from up
        join prompts pp on pp.id = up.prompt_id
        join completions c on c.id = pp.parent_completion_id
      where up.depth < 10000
    )
    select json_build_object(
      'rootId', (array_agg(pp.id order by up.depth desc))[1],
      'system', (array_agg(pp.system order by up.depth desc))[1],
      'turns', json_agg(json_build_object(
        'promptId', pp.id, 'completionId', c.id, 'user', ${userText("pp")}, 'assistant', c.text,
        'live', pp.status not in ('rejected', 'draft') and c.status <> 'rejected',
        'approved', pp.status = 'approved' and c.is_demonstration and c.status = 'approved') order by up.depth desc))
    from up join prompts pp on pp.id = up.prompt_id join completions c on c.id = up.completion_id
  ) end`);

/** Parses the column above (PGlite may hand json over as text). */
export function parseConversation(v: unknown): Conversation | null {
  if (v === null || v === undefined) return null;
  return (typeof v === "string" ? JSON.parse(v) : v) as Conversation;
}

/** The conversation of one prompt, or null when it is a first turn. */
export async function getConversation(db: DbOrTx, promptId: string): Promise<Conversation | null> {
  const res = await db.execute(sql`select ${conversationColumn("p")} as conversation from prompts p where p.id = ${promptId}`);
  const row = (res.rows as Array<{ conversation: unknown }>)[0];
  return row ? parseConversation(row.conversation) : null;
}

/** A project's prompt by content hash (the import key of a conversation's earlier turns). */
export async function findPromptByHash(db: DbOrTx, projectId: string, contentHash: string) {
  const [row] = await db.select({ id: prompts.id }).from(prompts).where(and(eq(prompts.projectId, projectId), eq(prompts.contentHash, contentHash)));
  return row?.id ?? null;
}

/** Inserts a prompt unless its (project, content hash) exists; returns the id either way. */
export async function insertPromptOnce(db: DbOrTx, row: NewPrompt & { contentHash: string }): Promise<{ id: string; created: boolean }> {
  const [created] = await db.insert(prompts).values(row).onConflictDoNothing().returning({ id: prompts.id });
  if (created) return { id: created.id, created: true };
  const existing = await findPromptByHash(db, row.projectId, row.contentHash);
  if (!existing) throw new Error(`prompt ${row.contentHash} neither inserted nor found`);
  return { id: existing, created: false };
}

/** The first completion of a prompt with exactly this text, if any. */
export async function findCompletionByText(db: DbOrTx, promptId: string, text: string) {
  const [row] = await db
    .select({ id: completions.id })
    .from(completions)
    .where(and(eq(completions.promptId, promptId), eq(completions.text, text)))
    .orderBy(asc(completions.createdAt), asc(completions.id))
    .limit(1);
  return row?.id ?? null;
}

export async function insertCompletion(db: DbOrTx, row: NewCompletion) {
  const [created] = await db.insert(completions).values(row).returning({ id: completions.id });
  return created.id;
}

/** A completion with its prompt's project, for naming a parent reply. */
export async function getCompletionWithProject(db: DbOrTx, id: string) {
  const [row] = await db
    .select({ id: completions.id, promptId: completions.promptId, projectId: prompts.projectId, status: completions.status, promptStatus: prompts.status })
    .from(completions)
    .innerJoin(prompts, eq(prompts.id, completions.promptId))
    .where(eq(completions.id, id));
  return row ?? null;
}

/** The first turns of a project's conversations (every prompt without a parent), drafts, gold tasks and release-gate copies left out, in id order. */
export async function listRootPromptIds(db: DbOrTx, projectId: string): Promise<string[]> {
  const res = await db.execute(sql`
    select id from prompts where project_id = ${projectId} and parent_completion_id is null
      and status <> 'draft' and not is_gold and compare_version_id is null
    order by id`);
  return (res.rows as Array<{ id: string }>).map((r) => r.id);
}

export type TreePrompt = {
  id: string;
  text: string;
  status: string;
  system: string | null;
  parentCompletionId: string | null;
  consensus: { order: string[] } | null;
  completions: Array<{ id: string; text: string; source: string; generator: string | null; isDemonstration: boolean; status: string }>;
  rankings: Array<{ source: string; order: string[][] }>;
};

/**
 * Every prompt of the conversation tree rooted at `rootId` (drafts left out), each with its
 * completions (drafts left out) and current rankings. `union` (not `union all`) makes the walk
 * stop even if a cycle existed.
 */
export async function readTree(db: DbOrTx, rootId: string): Promise<TreePrompt[]> {
  const res = await db.execute(sql.raw(`
    with recursive t(id) as (
      select '${rootId.replace(/[^0-9a-f-]/gi, "")}'::uuid
      union
      select p.id from t join completions c on c.prompt_id = t.id join prompts p on p.parent_completion_id = c.id
      where p.status <> 'draft' and c.status <> 'draft'
    )
    select p.id, ${userText("p")} as text, p.status, p.system, p.parent_completion_id as "parentCompletionId", p.consensus,
      coalesce((select json_agg(json_build_object('id', c.id, 'text', c.text, 'source', c.source, 'generator', c.generator,
          'isDemonstration', c.is_demonstration, 'status', c.status) order by c.id)
        from completions c where c.prompt_id = p.id and c.status <> 'draft'), '[]'::json) as completions,
      coalesce((select json_agg(json_build_object('source', r.source, 'order', r."order") order by r.id)
        from rankings r where r.prompt_id = p.id and r.is_current), '[]'::json) as rankings
    from t join prompts p on p.id = t.id
    order by p.id`));
  const json = <T>(v: unknown): T => (typeof v === "string" ? JSON.parse(v) : v) as T;
  return res.rows.map((r) => ({
    id: r.id as string,
    text: r.text as string,
    status: r.status as string,
    system: (r.system as string | null) ?? null,
    parentCompletionId: (r.parentCompletionId as string | null) ?? null,
    consensus: json<{ order: string[] } | null>(r.consensus ?? null),
    completions: json(r.completions),
    rankings: json(r.rankings),
  }));
}

/** Inserts prompts, skipping those whose (project, content hash) exists; returns the inserted ones' ids and hashes. */
export async function insertPromptsOnce(db: DbOrTx, rows: NewPrompt[]) {
  if (!rows.length) return [];
  return db.insert(prompts).values(rows).onConflictDoNothing().returning({ id: prompts.id, contentHash: prompts.contentHash });
}

/** A project's prompts with these content hashes. */
export async function findPromptsByHash(db: DbOrTx, projectId: string, hashes: string[]) {
  if (!hashes.length) return [];
  return db
    .select({ id: prompts.id, contentHash: prompts.contentHash })
    .from(prompts)
    .where(and(eq(prompts.projectId, projectId), inArray(prompts.contentHash, hashes)));
}

/** The completions of these prompts (id, prompt, text), oldest first: what an import matches replies against. */
export async function listCompletionTexts(db: DbOrTx, promptIds: string[]) {
  if (!promptIds.length) return [];
  return db
    .select({ id: completions.id, promptId: completions.promptId, text: completions.text })
    .from(completions)
    .where(inArray(completions.promptId, promptIds))
    .orderBy(asc(completions.createdAt), asc(completions.id));
}

export async function insertCompletionRows(db: DbOrTx, rows: NewCompletion[]) {
  if (rows.length) await db.insert(completions).values(rows);
}

/** A prompt's own system message and, when it continues a conversation, the turns before it. */
export async function getPromptHistory(db: DbOrTx, promptId: string): Promise<{ system: string | null; conversation: Conversation | null }> {
  // a release-gate comparison copy (compare_of) stands outside the tree: its history is the held-out prompt's
  const res = await db.execute(sql`select p.system, ${conversationColumn("p")} as conversation
    from prompts q join prompts p on p.id = coalesce(q.compare_of, q.id) where q.id = ${promptId}`);
  const row = (res.rows as Array<{ system: string | null; conversation: unknown }>)[0];
  return { system: row?.system ?? null, conversation: row ? parseConversation(row.conversation) : null };
}

/** getPromptHistory for many prompts at once (one query): prompt id → its system message and conversation. */
export async function listPromptHistories(db: DbOrTx, promptIds: string[]): Promise<Map<string, { system: string | null; conversation: Conversation | null }>> {
  const ids = [...new Set(promptIds)].filter((id) => /^[0-9a-f-]{36}$/i.test(id));
  if (!ids.length) return new Map();
  const res = await db.execute(sql`select q.id, p.system, ${conversationColumn("p")} as conversation
    from prompts q join prompts p on p.id = coalesce(q.compare_of, q.id) where q.id = any(${`{${ids.join(",")}}`}::uuid[])`);
  return new Map((res.rows as Array<{ id: string; system: string | null; conversation: unknown }>).map((r) => [r.id, { system: r.system, conversation: parseConversation(r.conversation) }]));
}

/** A turn that can be continued, with the replies under it (neither rejected nor drafts) and its conversation before it. */
export type OpenTurn = { id: string; instruction: string; input: string | null; status: string; system: string | null; conversation: Conversation | null; replies: Array<{ id: string; text: string; status: string }> };

/**
 * A project's turns that can be continued or answered (submitted or approved; no gold tasks or release-gate copies), newest first.
 * `hold` (lib/screening/hold.ts) leaves out turns and replies whose own text has an open screening.
 */
export async function listOpenTurns(db: DbOrTx, projectId: string, limit: number, opts: { hold?: boolean } = {}): Promise<OpenTurn[]> {
  const held = (type: "prompt" | "completion", col: string) =>
    opts.hold ? sql`and ${sql.raw(col)} not in (select s.target_id from screenings s where s.project_id = ${projectId} and s.review = 'open' and s.target_type = ${type})` : sql``;
  const res = await db.execute(sql`
    select p.id, p.instruction, p.input, p.status, p.system, ${conversationColumn("p")} as conversation,
      coalesce((select json_agg(json_build_object('id', c.id, 'text', c.text, 'status', c.status) order by c.created_at, c.id)
        from completions c where c.prompt_id = p.id and c.status in ('submitted', 'approved') ${held("completion", "c.id")}), '[]') as replies
    from prompts p
    where p.project_id = ${projectId} and p.status in ('submitted', 'approved') and not p.is_gold and p.compare_version_id is null
      ${held("prompt", "p.id")}
    order by p.created_at desc, p.id limit ${limit}`);
  return (res.rows as Array<Omit<OpenTurn, "conversation" | "replies"> & { conversation: unknown; replies: unknown }>).map((r) => ({
    ...r,
    conversation: parseConversation(r.conversation),
    replies: (typeof r.replies === "string" ? JSON.parse(r.replies) : r.replies) as OpenTurn["replies"],
  }));
}
