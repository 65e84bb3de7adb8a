// Collect runs as admins see them: start one (queued as a `collect` job), follow it, list recent ones. The job body is collect-run.ts.
import "server-only";
import { assertRole } from "@/lib/auth/roles";
import { getDb } from "@/db/client";
import * as q from "@/db/queries/sources";
import type { CollectRun, CollectSourceReport, ModelSource } from "@/db/schema";
import { recordAudit } from "@/lib/audit";
import { AppError } from "@/lib/errors";
import { enqueue } from "@/lib/jobs/queue";
import { projectBySlugOr404, type AnyActor } from "@/lib/projects/projects";
import type { CollectInput } from "@/lib/validation/sources";

const DEFAULT_PROMPTS = 100;

export function collectRunView(r: CollectRun) {
  return {
    id: r.id,
    status: r.status,
    promptLimit: r.promptLimit,
    progress: r.progress,
    /** per source: outputs stored, prompts failed, ok or failing, the last error */
    // in the order the run chose them (jsonb keeps object keys in its own order)
    sources: r.sourceIds.flatMap((id) => (r.report[id] ? [r.report[id]] : [])),
    error: r.error,
    createdAt: r.createdAt.toISOString(),
    startedAt: r.startedAt?.toISOString() ?? null,
    finishedAt: r.finishedAt?.toISOString() ?? null,
  };
}
export type CollectRunView = ReturnType<typeof collectRunView>;

export async function startCollect(actor: AnyActor | null, input: CollectInput): Promise<CollectRunView> {
  const who = assertRole(actor, "admin");
  const db = getDb();
  const project = await projectBySlugOr404(db, input.projectSlug, "projectSlug");
  const sources: ModelSource[] = [];
  const unknown: string[] = [];
  for (const name of input.sources) {
    const s = await q.getSourceByName(db, project.id, name);
    if (s) sources.push(s);
    else unknown.push(name);
  }
  if (unknown.length) throw new AppError("bad_request:collect", `No source ${unknown.map((n) => `"${n}"`).join(", ")} in project "${project.slug}".`, { sources: [`Unknown source: ${unknown.join(", ")}`] });
  const report = Object.fromEntries(sources.map((s) => [s.id, { name: s.name, outputs: 0, failures: 0, status: "ok", lastError: null } satisfies CollectSourceReport]));
  const run = await db.transaction(async (tx) => {
    const created = await q.insertCollectRun(tx, { projectId: project.id, sourceIds: sources.map((s) => s.id), promptLimit: input.prompts ?? DEFAULT_PROMPTS, report, createdBy: who.id });
    await recordAudit(tx, { actorId: who.id, action: "source.collect", targetType: "collect_run", targetId: created.id, data: { sources: input.sources, prompts: created.promptLimit } });
    return created;
  });
  let jobId: string | null;
  try {
    jobId = await enqueue("collect", { collectRunId: run.id });
  } catch (e) {
    // No job means no worker will ever take it: say so on the run instead of leaving it queued.
    await q.updateCollectRun(db, run.id, { status: "failed", error: `Could not queue the job: ${(e as Error).message}`, finishedAt: new Date() });
    throw e;
  }
  return collectRunView((await q.updateCollectRun(db, run.id, { jobId })) ?? run);
}

export async function getCollectRun(actor: AnyActor | null, projectSlug: string, id: string): Promise<CollectRunView> {
  assertRole(actor, "admin");
  const db = getDb();
  const project = await projectBySlugOr404(db, projectSlug, "projectSlug");
  const run = /^[0-9a-f-]{36}$/i.test(id) ? await q.getCollectRunById(db, id) : null;
  if (!run || run.projectId !== project.id) throw new AppError("not_found:collect", "No such collect run.", { id: ["Unknown collect run"] });
  return collectRunView(run);
}

export async function listCollectRuns(actor: AnyActor | null, projectSlug: string): Promise<CollectRunView[]> {
  assertRole(actor, "admin");
  const db = getDb();
  const project = await projectBySlugOr404(db, projectSlug, "projectSlug");
  return (await q.listCollectRunsByProject(db, project.id)).map(collectRunView);
}

