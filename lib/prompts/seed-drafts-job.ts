// Drafting from seeds in the app: a reviewer queues a `seed-drafts` job (a model version's generation runs the trainer and
// can take minutes), and the form reads its state and outcome back from pg-boss's job row.
import "server-only";
import { z } from "zod";
import { getDb } from "@/db/client";
import { listModelVersions } from "@/db/queries/runs";
import { listSourcesByProject } from "@/db/queries/sources";
import { assertRole, type Actor } from "@/lib/auth/roles";
import { AppError, parseInput } from "@/lib/errors";
import { getBoss } from "@/lib/jobs/queue";
import { projectBySlugOr404 } from "@/lib/projects/projects";
import { draftFromSeedsInput, type DraftFromSeedsInput, type SeedDraftsJobRef } from "@/lib/validation/prompts";
import { draftAs, resolveDrafter, type DraftOutcome } from "./draft-from-seeds";

const QUEUE = "seed-drafts";

/** One schema for the job's payload, read by the sender and the runner alike. */
export const seedDraftsJobData = z.object({ projectId: z.uuid(), actorId: z.uuid(), input: draftFromSeedsInput }).strict();
type SeedDraftsJobData = z.infer<typeof seedDraftsJobData>;

/** What the form shows: queued, running, done with the outcome, or failed with the reason. */
export type SeedDraftsStatus =
  | { jobId: string; state: "queued" | "running" }
  | { jobId: string; state: "done"; outcome: DraftOutcome }
  | { jobId: string; state: "failed"; error: string };

/** The model sources and ready policy versions of a project that can draft (names only: reviewers see no endpoint or key). */
export async function listDrafters(actor: Actor, projectSlug: string): Promise<{ sources: string[]; versions: Array<{ label: string; active: boolean }> }> {
  assertRole(actor, "reviewer");
  const db = getDb();
  const project = await projectBySlugOr404(db, projectSlug, "projectSlug");
  const [sources, versions] = await Promise.all([listSourcesByProject(db, project.id), listModelVersions(db, project.id)]);
  return {
    sources: sources.map((s) => s.name),
    versions: versions.filter((v) => v.status === "ready" && v.kind === "policy").map((v) => ({ label: v.label, active: v.isActive })),
  };
}

/** Checks the project and the source or version now (a 404 naming the field), then queues the drafting; returns the job's id. */
export async function queueSeedDrafts(actor: Actor, input: DraftFromSeedsInput): Promise<{ jobId: string }> {
  const who = assertRole(actor, "reviewer");
  const { project } = await resolveDrafter(input);
  const data: SeedDraftsJobData = { projectId: project.id, actorId: who.id, input };
  const jobId = await (await getBoss()).send(QUEUE, data);
  if (!jobId) throw new AppError("unavailable:job", "The drafting job could not be queued; try again.");
  return { jobId };
}

/** The job's body: the same drafting as `tuneloop seed-drafts`, audited under the reviewer who queued it. */
export async function runSeedDraftsJob(raw: unknown): Promise<DraftOutcome> {
  const data = parseInput(seedDraftsJobData, raw, "job");
  return draftAs(data.actorId, data.input);
}

/** The job's state for the form; another project's job (or none) is a 404 naming jobId. */
export async function getSeedDraftsStatus(actor: Actor, ref: SeedDraftsJobRef): Promise<SeedDraftsStatus> {
  assertRole(actor, "reviewer");
  const project = await projectBySlugOr404(getDb(), ref.projectSlug, "projectSlug");
  const [job] = await (await getBoss()).findJobs<SeedDraftsJobData>(QUEUE, { id: ref.jobId });
  if (!job || job.data?.projectId !== project.id) throw new AppError("not_found:job", "No such drafting job in this project.", { jobId: ["Unknown job"] });
  if (job.state === "completed") return { jobId: job.id, state: "done", outcome: job.output as DraftOutcome };
  if (job.state === "failed" || job.state === "cancelled") {
    const out = job.output as { message?: unknown } | null;
    return { jobId: job.id, state: "failed", error: typeof out?.message === "string" ? out.message : job.state };
  }
  return { jobId: job.id, state: job.state === "active" ? "running" : "queued" };
}
