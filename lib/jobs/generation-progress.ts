// Progress of one generation as the Models page shows it: queued → running (n of m written) → succeeded | failed with the reason.
import "server-only";
import { getDb } from "@/db/client";
import * as q from "@/db/queries/generation-progress";
import type { Generation } from "@/db/schema";
import { enqueue } from "./queue";

type Kind = Generation["kind"];
/** Progress writes during a generation: at most one per this many ms (the final count is always written). */
const WRITE_EVERY_MS = 1000;

/**
 * A queued or running generation that moved within this long is live: asking again is refused. A row older than
 * that (its worker died and pg-boss gave up on the job) no longer blocks a new one.
 */
const LIVE_MS = 3600_000;

export class GenerationBusyError extends Error {}

/**
 * Records a queued generation, then sends its job; a send that fails leaves the row failed with the reason. Refused
 * (GenerationBusyError) while the same kind of generation for the version is still live: two would pick the same prompts.
 */
export async function queueGeneration(opts: {
  projectId: string;
  projectSlug: string;
  versionId: string;
  kind: Kind;
  trigger: "manual" | "promote" | "gate";
  limit: number;
  singletonKey?: string;
}): Promise<{ generationId: string; jobId: string | null }> {
  const db = getDb();
  const busy = await q.getBusyGeneration(db, { versionId: opts.versionId, kind: opts.kind, since: new Date(Date.now() - LIVE_MS) });
  if (busy) throw new GenerationBusyError(`${opts.kind === "compare" ? "A release-gate comparison" : "Generation"} for this version is already ${busy.status}.`);
  const row = await q.insertGeneration(db, { projectId: opts.projectId, modelVersionId: opts.versionId, kind: opts.kind, trigger: opts.trigger });
  const data = { projectSlug: opts.projectSlug, limit: opts.limit, generationId: row.id, ...(opts.kind === "compare" ? { compareVersionId: opts.versionId } : {}) };
  try {
    const jobId = await enqueue("generate", data, opts.singletonKey ? { singletonKey: opts.singletonKey } : {});
    return { generationId: row.id, jobId };
  } catch (e) {
    await q.updateGeneration(db, row.id, { status: "failed", error: `could not queue the job: ${(e as Error).message}`, finishedAt: new Date() });
    throw e;
  }
}

export type GenerationTracker = {
  /** the generation picked its prompts: it sets out to write `wanted` outputs */
  start(wanted: number): Promise<void>;
  /** `n` more outputs were written (throttled to one database write a second) */
  add(n: number): void;
  finish(written: number, note?: string): Promise<void>;
  fail(reason: string): Promise<void>;
};

/**
 * The tracker of a job's generation: the row its sender queued (`generationId`), or, for a job sent
 * without one, a row made here once the version is known. A retried job reuses the row.
 */
export async function trackGeneration(generationId: string | undefined, who: () => { projectId: string; versionId: string; kind: Kind } | null): Promise<GenerationTracker> {
  const db = getDb();
  let id = generationId && (await q.getGenerationById(db, generationId)) ? generationId : null;
  let written = 0;
  let lastWrite = 0;
  let pending: Promise<unknown> = Promise.resolve();
  const ensure = async () => {
    if (id) return id;
    const w = who();
    if (!w) return null;
    id = (await q.insertGeneration(db, { projectId: w.projectId, modelVersionId: w.versionId, kind: w.kind, trigger: "manual", status: "running" })).id;
    return id;
  };
  return {
    async start(wanted) {
      const gid = await ensure();
      written = 0;
      if (gid) await q.updateGeneration(db, gid, { status: "running", wanted, written: 0, error: null, note: null, finishedAt: null });
    },
    add(n) {
      written += n;
      if (!id || Date.now() - lastWrite < WRITE_EVERY_MS) return;
      lastWrite = Date.now();
      const [gid, now] = [id, written];
      pending = pending.then(() => q.updateGeneration(db, gid, { written: now })).catch(() => {});
    },
    async finish(n, note) {
      await pending;
      const gid = await ensure();
      if (gid) await q.updateGeneration(db, gid, { status: "succeeded", written: n, note: note ?? null, error: null, finishedAt: new Date() });
    },
    async fail(reason) {
      await pending;
      const gid = await ensure().catch(() => null);
      if (gid) await q.updateGeneration(db, gid, { status: "failed", error: reason.slice(0, 2000), finishedAt: new Date() });
    },
  };
}
