// Projects: an admin creates and edits them (guidelines, task categories, settings); anyone signed in reads them.
import "server-only";
import { getDb, type DbOrTx } from "@/db/client";
import * as q from "@/db/queries/projects";
import type { Project } from "@/db/schema";
import { recordAudit } from "@/lib/audit";
import { checkModerationSource } from "@/lib/screening/settings";
import { assertRole } from "@/lib/auth/roles";
import { AppError } from "@/lib/errors";
import { checkOverlapRange } from "@/lib/rankings/routing";
import { defaultCategories, settingsFrom, slugInput, type CreateProjectInput, type UpdateProjectInput } from "@/lib/validation/projects";
import { systemActor, type AnyActor } from "./system-actor";

export { systemActor, type AnyActor };

function slugConflict(slug: string) {
  return new AppError("conflict:project", `A project with slug "${slug}" already exists.`, { slug: ["Already in use"] });
}

/** 23505 from either driver; drizzle wraps the driver's error in `cause`. */
function isUniqueViolation(e: unknown): boolean {
  for (let err = e as { code?: string; cause?: unknown } | undefined, depth = 0; err && depth < 4; err = err.cause as typeof err, depth++) {
    if (err.code === "23505") return true;
  }
  return false;
}

/** The project or a 404 that names the input field (`slug` by default). */
export async function projectBySlugOr404(db: DbOrTx, slug: string, field = "slug"): Promise<Project> {
  const project = await q.getProjectBySlug(db, slug);
  if (!project) throw new AppError("not_found:project", `No project "${slug}".`, { [field]: ["Unknown project"] });
  return project;
}

/** Targets name the project's own categories only (the list may change in the same edit). */
function checkCategoryTargets(categories: string[], settings: { categoryTargets?: Record<string, number> }) {
  const unknown = Object.keys(settings.categoryTargets ?? {}).find((c) => !categories.includes(c));
  if (unknown !== undefined) throw new AppError("bad_request:project", `Category target "${unknown}" is not one of the project's categories.`, { categoryTargets: [`"${unknown.slice(0, 80)}" is not a category of this project`] });
}

export async function createProject(actor: AnyActor | null, input: CreateProjectInput): Promise<Project> {
  const who = assertRole(actor, "admin");
  try {
    return await getDb().transaction(async (tx) => {
      if (await q.getProjectBySlug(tx, input.slug)) throw slugConflict(input.slug);
      checkCategoryTargets(input.categories ?? [...defaultCategories], input);
      checkOverlapRange(settingsFrom(input));
      await checkModerationSource(tx, null, settingsFrom(input));
      const project = await q.insertProject(tx, {
        slug: input.slug,
        name: input.name,
        guidelines: input.guidelines ?? "",
        categories: input.categories ?? [...defaultCategories],
        settings: settingsFrom(input),
        createdBy: who.id,
      });
      await recordAudit(tx, { actorId: who.id, action: "project.create", targetType: "project", targetId: project.id, data: { slug: project.slug, via: who.via } });
      return project;
    });
  } catch (e) {
    // Two creates racing past the check: the unique index decides, and the loser gets the same 409.
    if (isUniqueViolation(e)) throw slugConflict(input.slug);
    throw e;
  }
}

export async function updateProject(actor: AnyActor | null, slug: string, input: UpdateProjectInput): Promise<Project> {
  const who = assertRole(actor, "admin");
  return getDb().transaction(async (tx) => {
    const before = await projectBySlugOr404(tx, slug);
    const settings = settingsFrom(input, before.settings);
    // Reset to ranking only: the form is dropped (questionsOf then gives today's ranking question).
    if (input.questionsReset && input.questions !== undefined) {
      throw new AppError("bad_request:project", "Either give questions or reset the form to ranking only, not both.", { questionsReset: ["Either give questions or reset the form to ranking only, not both"] });
    }
    if (input.questionsReset) delete settings.questions;
    checkCategoryTargets(input.categories ?? before.categories, settings);
    checkOverlapRange(settings);
    await checkModerationSource(tx, before.id, settings);
    const patch = {
      ...(input.name !== undefined ? { name: input.name } : {}),
      ...(input.guidelines !== undefined ? { guidelines: input.guidelines } : {}),
      ...(input.categories !== undefined ? { categories: input.categories } : {}),
      settings,
    };
    const project = await q.updateProject(tx, before.id, patch);
    const changed = Object.keys(input).filter((k) => input[k as keyof typeof input] !== undefined);
    await recordAudit(tx, {
      actorId: who.id,
      action: "project.update",
      targetType: "project",
      targetId: before.id,
      data: { slug, changed, settingsBefore: before.settings, settingsAfter: settings },
    });
    return project;
  });
}

export async function getProjectBySlug(actor: AnyActor | null, slug: string): Promise<Project> {
  assertRole(actor, "annotator");
  const parsed = slugInput.safeParse(slug);
  if (!parsed.success) throw new AppError("not_found:project", `No project "${slug}".`, { slug: ["Unknown project"] });
  return projectBySlugOr404(getDb(), parsed.data);
}

export async function listProjects(actor: AnyActor | null): Promise<Project[]> {
  assertRole(actor, "annotator");
  return q.listProjects(getDb());
}
