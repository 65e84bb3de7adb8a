// Annotators write prompts and demonstrations: drafts that autosave, then submission to review.
import "server-only";
import { getDb, type DbOrTx } from "@/db/client";
import { projectBySlugOr404 } from "@/lib/projects/projects";
import * as qp from "@/db/queries/prompts";
import type { Project } from "@/db/schema";
import { recordAudit } from "@/lib/audit";
import { assertRole, type Actor } from "@/lib/auth/roles";
import { AppError } from "@/lib/errors";
import { holdsScreened } from "@/lib/screening/hold";
import { screenStored } from "@/lib/screening/screen";
import type { SavePromptDraftInput, SimilarPromptsInput, SubmitPromptInput } from "@/lib/validation/prompts";


function checkCategory(project: Project, category: string) {
  if (category && !project.categories.includes(category)) {
    throw new AppError("bad_request:prompt", `Unknown category "${category}".`, { category: [`Pick one of: ${project.categories.join(", ")}`] });
  }
}

/** Creates or updates the author's draft; the demonstration rides along as a draft completion. */
async function upsertDraft(tx: DbOrTx, actor: Actor, project: Project, input: { id?: string; instruction: string; input: string; category: string; demonstration: string }) {
  let prompt;
  if (input.id) {
    const existing = await qp.getPromptById(tx, input.id, { lock: true });
    if (!existing || existing.authorId !== actor.id || existing.projectId !== project.id) throw new AppError("not_found:prompt", "No such draft.", { id: ["Unknown draft"] });
    if (existing.status !== "draft") throw new AppError("conflict:prompt", "This prompt was already submitted.");
    prompt = await qp.updatePrompt(tx, existing.id, { instruction: input.instruction, input: input.input || null, category: input.category || null });
  } else {
    prompt = await qp.insertPrompt(tx, {
      projectId: project.id,
      instruction: input.instruction,
      input: input.input || null,
      category: input.category || null,
      authorId: actor.id,
      source: "human",
      status: "draft",
    });
  }
  const demo = await qp.getDemonstrationForPrompt(tx, prompt.id, actor.id);
  if (input.demonstration.trim()) {
    if (demo) await qp.updateCompletion(tx, demo.id, { text: input.demonstration });
    else await qp.insertCompletion(tx, { promptId: prompt.id, text: input.demonstration, source: "human", authorId: actor.id, isDemonstration: true, status: "draft" });
  } else if (demo) {
    await qp.updateCompletion(tx, demo.id, { text: "", status: "rejected" });
  }
  return prompt;
}

export async function savePromptDraft(actor: Actor, input: SavePromptDraftInput) {
  assertRole(actor, "annotator");
  const db = getDb();
  const project = await projectBySlugOr404(db, input.projectSlug, "projectSlug");
  checkCategory(project, input.category);
  const prompt = await db.transaction((tx) => upsertDraft(tx, actor, project, input));
  return { id: prompt.id, savedAt: prompt.updatedAt.toISOString() };
}

export async function submitPrompt(actor: Actor, input: SubmitPromptInput) {
  assertRole(actor, "annotator");
  const db = getDb();
  const project = await projectBySlugOr404(db, input.projectSlug, "projectSlug");
  checkCategory(project, input.category);
  return db.transaction(async (tx) => {
    const prompt = await upsertDraft(tx, actor, project, input);
    await qp.updatePrompt(tx, prompt.id, { status: "submitted", submittedAt: new Date() });
    const demo = await qp.getDemonstrationForPrompt(tx, prompt.id, actor.id);
    if (demo && demo.status === "draft") await qp.updateCompletion(tx, demo.id, { status: "submitted" });
    await screenStored(tx, { promptIds: [prompt.id], completionIds: demo && demo.status !== "rejected" ? [demo.id] : [] });
    await recordAudit(tx, { actorId: actor.id, action: "prompt.submit", targetType: "prompt", targetId: prompt.id });
    return { id: prompt.id, status: "submitted" as const };
  });
}

/** The author's own prompts (drafts included); nobody else's drafts. */
export async function listMyPrompts(actor: Actor, projectSlug: string) {
  assertRole(actor, "annotator");
  const db = getDb();
  const project = await projectBySlugOr404(db, projectSlug, "projectSlug");
  const rows = await qp.listPromptsByAuthor(db, { projectId: project.id, authorId: actor.id });
  return Promise.all(
    rows.map(async (p) => ({
      id: p.id,
      instruction: p.instruction,
      input: p.input,
      category: p.category,
      status: p.status,
      updatedAt: p.updatedAt.toISOString(),
      demonstration: (await qp.getDemonstrationForPrompt(db, p.id, actor.id))?.text ?? "",
    })),
  );
}

/** The person's draft saved last in the project (the write page reopens it after a reload), or null. */
export async function getLastDraft(actor: Actor, projectSlug: string) {
  const mine = await listMyPrompts(actor, projectSlug);
  return mine.find((p) => p.status === "draft") ?? null;
}

// Trigram similarity (pg_trgm) a prompt needs to be shown as "similar" while writing, and how many are shown.
const SIMILAR_MIN = 0.4;
const SIMILAR_SHOWN = 5;

/** Prompts of the project whose instruction resembles what is being written; never another person's draft. */
export async function findSimilarPrompts(actor: Actor, input: SimilarPromptsInput) {
  assertRole(actor, "annotator");
  const text = input.instruction.trim();
  if (text.split(/\s+/).length < 3) return [];
  const db = getDb();
  const project = await projectBySlugOr404(db, input.projectSlug, "projectSlug");
  const rows = await qp.listSimilarPrompts(db, { projectId: project.id, viewerId: actor.id, text, minSimilarity: SIMILAR_MIN, limit: SIMILAR_SHOWN, hold: holdsScreened(project.settings) });
  return rows.map((r) => ({ id: r.id, instruction: r.instruction, similarity: Math.round(r.similarity * 100) / 100 }));
}
