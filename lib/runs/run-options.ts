// Lookups for the training pages: what "Retrain now" offers (snapshots, model versions) and the project a run belongs to.
import "server-only";
import { assertRole } from "@/lib/auth/roles";
import { getDb } from "@/db/client";
import { listExportsByProject } from "@/db/queries/exports";
import { getProjectById } from "@/db/queries/projects";
import * as qr from "@/db/queries/runs";
import { AppError } from "@/lib/errors";
import { projectBySlugOr404, type AnyActor } from "@/lib/projects/projects";

export async function listRunOptions(actor: AnyActor | null, projectSlug: string) {
  assertRole(actor, "reviewer");
  const db = getDb();
  const project = await projectBySlugOr404(db, projectSlug);
  const [snapshots, versions] = await Promise.all([listExportsByProject(db, project.id, 50), qr.listModelVersions(db, project.id)]);
  return {
    snapshots: snapshots.filter((s) => s.status === "ready").map((s) => ({ id: s.id, createdAt: s.createdAt.toISOString(), counts: s.counts })),
    versions: versions.map((v) => ({ id: v.id, label: v.label, isActive: v.isActive })).reverse(),
  };
}

/** The project of a run (RunView leaves it out), for links back from the run page. */
export async function getRunProject(actor: AnyActor | null, runId: string) {
  assertRole(actor, "reviewer");
  const db = getDb();
  const run = /^[0-9a-f-]{36}$/i.test(runId) ? await qr.getRunById(db, runId) : null;
  const project = run ? await getProjectById(db, run.projectId) : null;
  if (!project) throw new AppError("not_found:run", "No such run.");
  return { slug: project.slug, name: project.name };
}
