// Data access for task leases: the next-task candidate scan and lease bookkeeping.
import "server-only";
import { eq, sql, type SQL } from "drizzle-orm";
import type { DbOrTx } from "../client";
import { assignments, projects, prompts, type Assignment, type NewAssignment } from "../schema";
import { conversationColumn, parseConversation, type Conversation } from "./conversations";

/** Reads json handed over as text (PGlite may) or parsed (node-postgres). */
const json = <T>(v: unknown): T => (typeof v === "string" ? JSON.parse(v) : v) as T;

/** The user's open lease as next-task needs it; `held`: the prompt has an open screening (lib/screening/hold.ts). */
export type OpenLease = { id: string; promptId: string; displayOrder: string[]; expiresAt: Date; held: boolean };

/**
 * What a next-task starts from, in one statement: the project by slug, the user's open unexpired lease in it (a reload
 * resumes it) with whether its prompt awaits a screening reviewer, and the project's model versions by label (what the
 * queue policy's steps name).
 */
export async function getNextTaskStart(db: DbOrTx, opts: { slug: string; userId: string }) {
  const [row] = await db
    .select({
      project: projects,
      openLease: sql<unknown>`(select json_build_object('id', a.id, 'promptId', a.prompt_id, 'displayOrder', a.display_order, 'expiresAt', a.expires_at,
          'held', exists (select 1 from screenings s where s.prompt_id = a.prompt_id and s.review = 'open'))
        from assignments a
        where a.project_id = projects.id and a.user_id = ${opts.userId} and a.status = 'open' and a.expires_at > now() limit 1)`,
      versions: sql<unknown>`(select coalesce(json_agg(json_build_object('id', v.id, 'label', v.label, 'isActive', v.is_active)), '[]')
        from model_versions v where v.project_id = projects.id)`,
    })
    .from(projects)
    .where(eq(projects.slug, opts.slug));
  if (!row) return null;
  const lease = json<(Omit<OpenLease, "expiresAt"> & { expiresAt: string }) | null>(row.openLease);
  return {
    project: row.project,
    openLease: lease ? { ...lease, expiresAt: new Date(lease.expiresAt) } : null,
    versions: json<Array<{ id: string; label: string; isActive: boolean }>>(row.versions),
  };
}

/**
 * A submit's reads of the task's prompt in one statement: the prompt row-locked (FOR UPDATE of the prompt only), its
 * project, and whether the prompt awaits a screening reviewer (lib/screening/hold.ts).
 */
export async function lockPromptForRanking(tx: DbOrTx, promptId: string) {
  const [row] = await tx
    .select({ prompt: prompts, project: projects, held: sql<boolean>`exists (select 1 from screenings s where s.prompt_id = prompts.id and s.review = 'open')` })
    .from(prompts)
    .innerJoin(projects, eq(projects.id, prompts.projectId))
    .where(eq(prompts.id, promptId))
    .for("update", { of: prompts });
  return row ? { ...row, held: row.held === true || String(row.held) === "true" || String(row.held) === "t" } : null;
}

/** A prompt as a task shows it: its text, its outputs (creation order) and its conversation before it. */
export type TaskContent = {
  id: string;
  instruction: string;
  input: string | null;
  category: string | null;
  system: string | null;
  conversation: Conversation | null;
  outputs: Array<{ id: string; text: string; status: string; isDemonstration: boolean }>;
  /** want given: human rankings plus live leases on the prompt, and how many it wants (as countTakenSlots) */
  slots: { taken: number; wanted: number } | null;
};

/**
 * One prompt's task content in one statement (what getPromptById, listCompletionsByPrompt, getPromptHistory and, with
 * `want`, countTakenSlots read apart). A release-gate copy (compare_of) takes the held-out prompt's history (none when
 * that prompt is gone, as getPromptHistory). Run after the candidate's row lock, the slot count is a fresh statement's,
 * as countTakenSlots's.
 */
export async function getTaskContent(db: DbOrTx, promptId: string, want: OverlapWant | null = null): Promise<TaskContent | null> {
  const slots = want
    ? sql`p.ranking_count + (select count(*) from assignments a where a.prompt_id = p.id and a.status = 'open' and a.expires_at > now())`
    : sql`null::bigint`;
  const res = await db.execute(sql`
    select p.id, p.instruction, p.input, p.category, h.system, ${conversationColumn("h")} as conversation,
      coalesce((select json_agg(json_build_object('id', c.id, 'text', c.text, 'status', c.status, 'isDemonstration', c.is_demonstration) order by c.created_at, c.id)
        from completions c where c.prompt_id = p.id), '[]') as outputs,
      ${slots} as taken, ${want ? wantedRankingsSql(want) : sql`null::int`} as wanted
    from prompts p left join prompts h on h.id = coalesce(p.compare_of, p.id) where p.id = ${promptId}`);
  const row = (res.rows as Array<Omit<TaskContent, "slots" | "conversation" | "outputs"> & { conversation: unknown; outputs: unknown; taken: unknown; wanted: unknown }>)[0];
  if (!row) return null;
  return {
    id: row.id,
    instruction: row.instruction,
    input: row.input,
    category: row.category,
    system: row.system,
    conversation: parseConversation(row.conversation),
    outputs: json<TaskContent["outputs"]>(row.outputs),
    slots: want ? { taken: Number(row.taken), wanted: Number(row.wanted) } : null,
  };
}

export async function getAssignmentById(db: DbOrTx, id: string, opts: { lock?: boolean } = {}) {
  const q = db.select().from(assignments).where(eq(assignments.id, id));
  const [row] = opts.lock ? await q.for("update") : await q;
  return row ?? null;
}

/**
 * Which prompts one step of the next-task policy (lib/rankings/queue-policy.ts) may hand out. `gate` reads the
 * comparison prompts through prompts_compare_idx; `versions` and `import` first collect their batch's prompt ids
 * and join them, so their cost grows with the batch (EXPLAIN ANALYZE on PostgreSQL with 1,000,000 prompts, on the
 * loaded 2-core machine: 17 ms for 340 outputs of a version, 28 ms for 10,340); `routing` and `backlog` walk
 * prompts_next_task_idx from its ranking_count range, `backlog` passing over the active version's prompts at its head.
 */
export type CandidateFilter =
  | { kind: "any" }
  | { kind: "gate" }
  | { kind: "versions"; versionIds: string[] }
  | { kind: "routing" }
  | { kind: "backlog"; activeVersionId: string | null }
  | { kind: "import"; auditId: number };

function candidateFilter(f: CandidateFilter, projectId: string, name: string): { batch: SQL | null; join: SQL; where: SQL } {
  const none = { batch: null, join: sql``, where: sql`` };
  const batch = sql.raw(name);
  switch (f.kind) {
    case "any":
      return none;
    case "gate":
      return { ...none, where: sql`and p.compare_version_id is not null` };
    case "routing":
      return { ...none, where: sql`and p.ranking_count > 0` };
    case "backlog":
      return {
        ...none,
        where: sql`and p.ranking_count = 0 and p.compare_version_id is null
          ${f.activeVersionId ? sql`and not exists (select 1 from completions c where c.prompt_id = p.id and c.model_version_id = ${f.activeVersionId})` : sql``}`,
      };
    case "versions":
      return {
        ...none,
        batch: sql`${batch} as materialized (
          select distinct c.prompt_id as id from completions c
          where c.model_version_id in (${sql.join(f.versionIds.map((id) => sql`${id}::uuid`), sql`, `)}) and c.status <> 'rejected')`,
        join: sql`join ${batch} b on b.id = p.id`,
      };
    case "import":
      // One import is one transaction: its prompts and its audit row share the transaction's now().
      return {
        ...none,
        batch: sql`${batch} as materialized (
          select ip.id from audit_log l
          join prompts ip on ip.project_id = ${projectId} and ip.source = 'import' and ip.created_at = l.created_at
          where l.id = ${f.auditId} and l.action = 'import.file' and l.target_id = ${projectId}::text)`,
        join: sql`join ${batch} b on b.id = p.id`,
      };
  }
}

/** What a prompt's capacity depends on: the project's overlap range and agreement threshold (lib/rankings/routing.ts). */
export type OverlapWant = { min: number; max: number; agreementThreshold: number };

/** Rankings prompt `p` wants in all, as lib/rankings/routing.ts's wantedRankings: min until reached, then closed once they agree, else max. */
export function wantedRankingsSql(w: OverlapWant) {
  return sql`(case when p.ranking_count < ${w.min} then ${w.min}
                   when p.agreement >= ${w.agreementThreshold} then p.ranking_count
                   else ${w.max} end)`;
}

/** One step of a next-task call: the filter of a queue-policy step, for gold tasks or regular ones. */
export type CandidatePass = { gold: boolean; filter: CandidateFilter };

/**
 * One candidate prompt for the user, from the first of `passes` that has one (each pass: the prompts its filter
 * admits, in a language the user works in), row-locked with SKIP LOCKED so concurrent callers fan out. All passes go
 * in one statement: a UNION ALL of one LIMIT 1 … FOR UPDATE SKIP LOCKED subquery per pass under an outer LIMIT 1.
 * PostgreSQL's Append runs its branches in order and the limit stops it at the first row, so a later pass is neither
 * scanned nor locked once an earlier one answers (row locks rule out a parallel append); each branch keeps its own
 * plan and index (see CandidateFilter). Within a pass: prompts closest to their overlap first (they settle soonest),
 * then oldest. A prompt has room while its rankings plus live leases are below what it wants (routing: min, then max
 * unless they agree). The open-lease count here can be stale by the time the lock is granted; callers recheck it.
 * Returns the prompt and the index of the pass it came from.
 */
export async function lockCandidatePrompt(
  tx: DbOrTx,
  opts: { projectId: string; userId: string; want: OverlapWant; passes: CandidatePass[]; exclude: string[]; preferCategories?: string[]; holdScreened?: boolean },
): Promise<{ id: string; instruction: string; input: string | null; category: string | null; pass: number } | null> {
  if (!opts.passes.length) return null;
  const exclude = opts.exclude.length ? sql`and p.id not in (${sql.join(opts.exclude.map((id) => sql`${id}::uuid`), sql`, `)})` : sql``;
  // Steering (lib/diversity/steering.ts): with category targets, under-target categories (largest gap first) break
  // ties inside a step's order, after the ranking count and before age. Without targets the order is the index's.
  const prefer = opts.preferCategories?.length
    ? sql`coalesce(array_position(array[${sql.join(opts.preferCategories.map((c) => sql`${c}`), sql`, `)}]::text[], p.category), ${opts.preferCategories.length + 1}), `
    : sql``;
  const ctes: SQL[] = [];
  const branches = opts.passes.map(({ gold, filter }, i) => {
    const capacity = gold
      ? sql``
      : sql`and p.ranking_count < ${opts.want.max}
            and p.ranking_count < ${wantedRankingsSql(opts.want)}
            and p.ranking_count + (select count(*) from assignments a
                                   where a.prompt_id = p.id and a.status = 'open' and a.expires_at > now()) < ${wantedRankingsSql(opts.want)}`;
    const f = candidateFilter(filter, opts.projectId, `batch${i}`);
    if (f.batch) ctes.push(f.batch);
    return sql`select * from (
      select p.id, p.instruction, p.input, p.category, ${i}::int as pass from prompts p ${f.join}
      where p.project_id = ${opts.projectId}
        and p.status = 'approved'
        and p.is_gold = ${gold}
        and (p.author_id is null or p.author_id <> ${opts.userId})
        -- the person's languages (users.languages, read once as an InitPlan; empty = all): undetermined prompts go to everyone
        and (p.language is null or p.language = any(coalesce((select u.languages from users u where u.id = ${opts.userId}), '{}'))
             or cardinality(coalesce((select u.languages from users u where u.id = ${opts.userId}), '{}')) = 0)
        ${f.where}
        ${capacity}
        -- a hashed set of this user's prompts, built once: checked before the per-row counts below (as a join it
        -- came after them, so a person with a long history paid both counts on every prompt they had done)
        and p.id not in (select a.prompt_id from assignments a where a.user_id = ${opts.userId} and a.status <> 'expired')
        -- screening hold (lib/screening/hold.ts): a prompt whose texts (its own or an output's) have PII hits or a safety flag
        -- awaiting a reviewer waits until it is cleared; a hashed set too, read through screenings_project_review_idx
        ${opts.holdScreened ? sql`and p.id not in (select s.prompt_id from screenings s where s.project_id = ${opts.projectId} and s.review = 'open')` : sql``}
        and (select count(*) from completions c where c.prompt_id = p.id and c.status <> 'rejected'
                   and (not c.is_demonstration or c.status = 'approved')) >= 2
        ${exclude}
      order by p.ranking_count desc, ${prefer}p.created_at asc, p.id asc
      limit 1
      for update of p skip locked) ${sql.raw(`pass${i}`)}`;
  });
  const res = await tx.execute(sql`
    ${ctes.length ? sql`with ${sql.join(ctes, sql`, `)}` : sql``}
    select * from (${sql.join(branches, sql` union all `)}) candidate
    limit 1`);
  const row = (res.rows as Array<{ id: string; instruction: string; input: string | null; category: string | null; pass: number | string }>)[0];
  return row ? { ...row, pass: Number(row.pass) } : null;
}

/** Slots taken on a prompt (human rankings plus other people's live leases) and how many it wants. Fresh statement, fresh snapshot. */
export async function countTakenSlots(tx: DbOrTx, promptId: string, want: OverlapWant): Promise<{ taken: number; wanted: number }> {
  const res = await tx.execute(sql`
    select p.ranking_count
         + (select count(*) from assignments where prompt_id = ${promptId} and status = 'open' and expires_at > now()) as taken,
         ${wantedRankingsSql(want)} as wanted
    from prompts p where p.id = ${promptId}`);
  const row = (res.rows as Array<{ taken: number | string; wanted: number | string }>)[0];
  return { taken: Number(row.taken), wanted: Number(row.wanted) };
}

/** A new lease, or the user's own expired lease on the prompt revived (one row per user and prompt, ever). */
export async function upsertAssignment(tx: DbOrTx, row: NewAssignment): Promise<Assignment> {
  const [created] = await tx
    .insert(assignments)
    .values(row)
    .onConflictDoUpdate({
      target: [assignments.promptId, assignments.userId],
      set: { status: "open", leasedAt: sql`now()`, expiresAt: row.expiresAt, displayOrder: row.displayOrder, isGold: row.isGold ?? false },
      setWhere: sql`${assignments.status} = 'expired' or (${assignments.status} = 'open' and ${assignments.expiresAt} <= now())`,
    })
    .returning();
  return created;
}

export async function updateAssignment(tx: DbOrTx, id: string, patch: Partial<Pick<Assignment, "status" | "skipReason" | "submittedAt" | "idempotencyKey" | "expiresAt" | "draft">>) {
  const [row] = await tx.update(assignments).set(patch).where(eq(assignments.id, id)).returning();
  return row ?? null;
}

export async function countOpenLeases(db: DbOrTx, projectId: string): Promise<number> {
  const res = await db.execute(sql`select count(*)::int as n from assignments where project_id = ${projectId} and status = 'open' and expires_at > now()`);
  return Number((res.rows as Array<{ n: number }>)[0].n);
}

/** A project's model versions by label, and which one is active: what the queue policy's steps name. */
export async function listQueueVersions(db: DbOrTx, projectId: string): Promise<Array<{ id: string; label: string; isActive: boolean }>> {
  const res = await db.execute(sql`select id, label, is_active as "isActive" from model_versions where project_id = ${projectId}`);
  return res.rows as Array<{ id: string; label: string; isActive: boolean }>;
}
