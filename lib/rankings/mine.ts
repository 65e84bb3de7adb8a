// An annotator's own recent rankings in a project, and one of them loaded back for revising.
import "server-only";
import { getDb } from "@/db/client";
import { getProjectById, getProjectBySlug } from "@/db/queries/projects";
import { getPromptById, listCompletionsByIds } from "@/db/queries/prompts";
import { getRankingById, listRankingsByAnnotator } from "@/db/queries/rankings";
import { assertRole, type Actor } from "@/lib/auth/roles";
import { AppError } from "@/lib/errors";
import type { Answers } from "@/db/schema/questions";
import { canonicalAnswers, questionsOf } from "@/lib/questions/check";
import { suggestionAfterSubmit, type AnnotatorSuggestion } from "@/lib/suggestions/suggestions";

const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

// How far back "recent" looks when the revise window is shorter (hours).
const RECENT_HOURS_MIN = 7 * 24;

export type MyRecentRanking = {
  rankingId: string;
  promptId: string;
  instruction: string;
  createdAt: string;
  /** the revise window counts from the first submission of the revision chain */
  revisableUntil: string;
  revisable: boolean;
  revised: boolean;
};

export async function listMyRecentRankings(actor: Actor, projectSlug: string, limit = 20): Promise<MyRecentRanking[]> {
  assertRole(actor, "annotator");
  const db = getDb();
  const project = await getProjectBySlug(db, projectSlug);
  if (!project) throw new AppError("not_found:project", `No project "${projectSlug}".`);
  const hours = Math.max(project.settings.reviseHours, RECENT_HOURS_MIN);
  const rows = await listRankingsByAnnotator(db, { annotatorId: actor.id, since: new Date(Date.now() - hours * 3600_000) });
  const out: MyRecentRanking[] = [];
  for (const r of rows) {
    if (out.length >= limit) break;
    if (r.source !== "human") continue;
    const prompt = await getPromptById(db, r.promptId);
    if (!prompt || prompt.projectId !== project.id) continue;
    // Revisions keep the original's window; walk back to the first submission.
    let first = r.createdAt;
    for (let prev = r.previousId; prev; ) {
      const p = await getRankingById(db, prev);
      if (!p) break;
      first = p.createdAt;
      prev = p.previousId;
    }
    const until = new Date(first.getTime() + project.settings.reviseHours * 3600_000);
    out.push({
      rankingId: r.id,
      promptId: r.promptId,
      instruction: prompt.instruction,
      createdAt: r.createdAt.toISOString(),
      revisableUntil: until.toISOString(),
      revisable: until.getTime() > Date.now(),
      revised: r.previousId !== null,
    });
  }
  return out;
}

export type RankingRevision = {
  rankingId: string;
  projectSlug: string;
  guidelines: string;
  prompt: { id: string; instruction: string; input: string | null; category: string | null };
  /** in the previous ranking's order (best first) */
  outputs: Array<{ id: string; text: string }>;
  order: string[][];
  flags: Record<string, string[]>;
  noneAcceptable: boolean;
  rationale: string | null;
  /** the ranking's answers to the form's other questions, for questions the form still has (pre-filled on the revise screen) */
  answers: Answers;
  /** the reward model's suggested order and margin: only after submitting, and only where settings.showSuggestionsAfterSubmit */
  suggestion: AnnotatorSuggestion | null;
};

/** The annotator's own current ranking with the outputs it ranked, for the revise screen. */
export async function getRankingForRevision(actor: Actor, rankingId: string): Promise<RankingRevision> {
  assertRole(actor, "annotator");
  const db = getDb();
  // `?revise=` comes from the URL: an id PostgreSQL cannot read as a uuid is unknown, not a database error.
  const r = uuidPattern.test(rankingId) ? await getRankingById(db, rankingId) : null;
  if (!r || r.annotatorId !== actor.id) throw new AppError("not_found:ranking", "No such ranking.");
  if (!r.isCurrent) throw new AppError("conflict:ranking", "This ranking was already revised; revise the latest one.");
  const prompt = await getPromptById(db, r.promptId);
  const project = await getProjectById(db, prompt.projectId);
  const ids = r.order.flat();
  const byId = new Map((await listCompletionsByIds(db, ids)).map((c) => [c.id, c]));
  return {
    rankingId: r.id,
    projectSlug: project.slug,
    guidelines: project.guidelines,
    prompt: { id: prompt.id, instruction: prompt.instruction, input: prompt.input, category: prompt.category },
    outputs: ids.filter((id) => byId.has(id)).map((id) => ({ id, text: byId.get(id)!.text })),
    order: r.order,
    flags: r.flags,
    noneAcceptable: r.noneAcceptable,
    rationale: r.rationale,
    answers: canonicalAnswers(questionsOf(project.settings), r.answers),
    suggestion: await suggestionAfterSubmit(db, project, prompt.id),
  };
}
