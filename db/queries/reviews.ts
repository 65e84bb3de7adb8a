// Data access for the review queue and annotator quality figures.
import "server-only";
import { sql } from "drizzle-orm";
import type { DbOrTx } from "../client";
import type { Answers } from "../schema/questions";

export type QueueFilters = { projectId: string; category?: string; authorId?: string; maxAgreement?: number; limit: number; overlap: number };

export async function listSubmittedPrompts(db: DbOrTx, f: QueueFilters) {
  const res = await db.execute(sql`
    select p.id, p.instruction, p.input, p.category, p.author_id as "authorId", u.name as "authorName", p.submitted_at as "submittedAt",
           (select c.text from completions c where c.prompt_id = p.id and c.is_demonstration and c.parent_id is null and c.author_id = p.author_id limit 1) as demonstration
    from prompts p left join users u on u.id = p.author_id
    where p.project_id = ${f.projectId} and p.status = 'submitted'
      ${f.category ? sql`and p.category = ${f.category}` : sql``}
      ${f.authorId ? sql`and p.author_id = ${f.authorId}` : sql``}
    order by p.submitted_at asc nulls last, p.id limit ${f.limit}`);
  return res.rows as Array<{ id: string; instruction: string; input: string | null; category: string | null; authorId: string | null; authorName: string | null; submittedAt: string | null; demonstration: string | null }>;
}

/** Rewrites of model outputs (and other demonstrations on already-approved prompts) awaiting review. */
export async function listSubmittedDemonstrations(db: DbOrTx, f: QueueFilters) {
  const res = await db.execute(sql`
    select c.id, c.text, c.parent_id as "parentId", par.text as "parentText", c.author_id as "authorId", u.name as "authorName",
           p.id as "promptId", p.instruction, p.input, p.category
    from completions c join prompts p on p.id = c.prompt_id left join completions par on par.id = c.parent_id left join users u on u.id = c.author_id
    where p.project_id = ${f.projectId} and c.is_demonstration and c.status = 'submitted' and p.status <> 'submitted'
      ${f.category ? sql`and p.category = ${f.category}` : sql``}
      ${f.authorId ? sql`and c.author_id = ${f.authorId}` : sql``}
    order by c.created_at asc, c.id limit ${f.limit}`);
  return res.rows as Array<{ id: string; text: string; parentId: string | null; parentText: string | null; authorId: string | null; authorName: string | null; promptId: string; instruction: string; input: string | null; category: string | null }>;
}

/** Prompts with their full overlap of rankings (routing: maxOverlap, where a disagreeing prompt closes) whose agreement did not pass the threshold. */
export async function listUnsettledPrompts(db: DbOrTx, f: QueueFilters) {
  const res = await db.execute(sql`
    select p.id, p.instruction, p.input, p.category, p.agreement, p.ranking_count as "rankingCount", p.consensus
    from prompts p
    where p.project_id = ${f.projectId} and p.status = 'approved' and not p.settled and not p.is_gold and p.ranking_count >= ${f.overlap}
      ${f.category ? sql`and p.category = ${f.category}` : sql``}
      ${f.maxAgreement !== undefined ? sql`and coalesce(p.agreement, 0) <= ${f.maxAgreement}` : sql``}
      ${f.authorId ? sql`and exists (select 1 from rankings r where r.prompt_id = p.id and r.annotator_id = ${f.authorId} and r.is_current)` : sql``}
    order by p.agreement asc nulls first, p.id limit ${f.limit}`);
  return res.rows as Array<{ id: string; instruction: string; input: string | null; category: string | null; agreement: number | null; rankingCount: number; consensus: { order: string[] } | null }>;
}

export async function listPromptRankingsWithNames(db: DbOrTx, promptId: string) {
  const res = await db.execute(sql`
    select r.id, r."order", r.flags, r.none_acceptable as "noneAcceptable", r.rationale, r.annotator_id as "annotatorId", u.name as "annotatorName", r.source, r.answers
    from rankings r left join users u on u.id = r.annotator_id
    where r.prompt_id = ${promptId} and r.is_current order by r.created_at, r.id`);
  return res.rows as Array<{ id: string; order: string[][]; flags: Record<string, string[]>; noneAcceptable: boolean; rationale: string | null; annotatorId: string | null; annotatorName: string | null; source: string; answers: Answers }>;
}

/** Every current human ranking in a project with what quality figures need. */
export async function listAnnotatorRankingRows(db: DbOrTx, projectId: string, annotatorId?: string) {
  const res = await db.execute(sql`
    select r.annotator_id as "annotatorId", u.name, u.email, r."order", r.gold_score as "goldScore", r.time_spent_ms as "timeSpentMs",
           r.created_at as "createdAt", p.consensus, p.ranking_count as "rankingCount", p.is_gold as "isGold",
           exists (select 1 from excluded_annotators x where x.project_id = p.project_id and x.user_id = r.annotator_id) as excluded
    from rankings r join prompts p on p.id = r.prompt_id join users u on u.id = r.annotator_id
    where p.project_id = ${projectId} and r.source = 'human' and r.is_current
      ${annotatorId ? sql`and r.annotator_id = ${annotatorId}` : sql``}`);
  return res.rows as Array<{ annotatorId: string; name: string; email: string; order: string[][]; goldScore: number | null; timeSpentMs: number | null; createdAt: string | Date; consensus: { order: string[] } | null; rankingCount: number; isGold: boolean; excluded: boolean }>;
}
