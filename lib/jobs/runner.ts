// The job runner: takes pg-boss jobs (train, export, generate, evaluate, moderate, score…), re-sends lost runs, and ticks the retrain schedule.
import "server-only";
import type { PgBoss } from "pg-boss";
import { getConnection, getDb, type Connection } from "@/db/client";
import * as q from "@/db/queries/runs";
import { startBoss } from "./boss";
import { enqueue, setBoss } from "./queue";
import { HEARTBEAT_STALE_MS, runTrainJob } from "./train-job";
import { DEFAULT_WEBHOOK_POLICY, relayDueDeliveries, type WebhookPolicy } from "@/lib/webhooks/deliver";
import { runWebhookJob } from "./webhook-job";
import { hasDueModeration } from "@/db/queries/screenings";
import { MODERATION_POLICY, runModerationJob } from "@/lib/screening/moderate";

export type JobRunner = { boss: PgBoss; stop: () => Promise<void> };

/** Handlers of the queues besides `train`; `evaluate` computes a version's held-out loss per category (lib/evaluation/evaluate-job.ts). */
type Handlers = Partial<Record<"export" | "generate" | "evaluate" | "collect" | "import-model" | "score" | "seed-drafts", (data: Record<string, unknown>) => Promise<unknown>>>;

/** Run ids this process is executing: its own reconciler must not treat them as orphans. */
const active = new Set<string>();

export async function reconcileRuns(): Promise<{ resent: number; recovered: number }> {
  const db = getDb();
  const { enqueueRun } = await import("@/lib/runs/runs");
  let resent = 0;
  let recovered = 0;
  for (const run of await q.listRunsNeedingAttention(db, { staleBefore: new Date(Date.now() - HEARTBEAT_STALE_MS) })) {
    if (active.has(run.id)) continue;
    if (run.status === "running") {
      // Its runner died mid-run: queue it again; the next attempt resumes from the run's checkpoint.
      await q.updateRun(db, run.id, { status: "queued", jobId: null, progress: { ...run.progress, phase: "resuming" } });
      recovered += 1;
    }
    await enqueueRun(run.id);
    resent += 1;
  }
  // Imports registered but never sent (the process died between the commit and the send; a minute's grace for one
  // whose send is under way).
  const qb = await import("@/db/queries/base-models");
  for (const model of await qb.listImportingBaseModels(db)) {
    if (model.jobId || Date.now() - model.createdAt.getTime() < HEARTBEAT_STALE_MS) continue;
    const jobId = await enqueue("import-model", { baseModelId: model.id });
    await qb.updateBaseModel(db, model.id, { jobId });
    resent += 1;
  }
  return { resent, recovered };
}

export async function startJobRunner(
  opts: {
    conn?: Connection;
    handlers?: Handlers;
    reconcileMs?: number;
    scheduleMs?: number;
    pollSeconds?: number;
    webhookRelayMs?: number;
    webhookPolicy?: Partial<WebhookPolicy>;
    moderationMs?: number;
    moderationPolicy?: Partial<typeof MODERATION_POLICY>;
  } = {},
): Promise<JobRunner> {
  const conn = opts.conn ?? getConnection();
  // Registered by name, with a heartbeat: `retrain --wait` looks for a live instance working the train queue.
  const boss = await startBoss(conn, { supervise: true, instanceName: "tuneloop-worker" });
  setBoss(boss);
  const poll = { pollingIntervalSeconds: opts.pollSeconds ?? 1 };

  await boss.work<{ runId: string }>("train", poll, async ([job]) => {
    active.add(job.data.runId);
    try {
      await runTrainJob(job.data.runId);
    } finally {
      active.delete(job.data.runId);
    }
  });
  const handlers: Handlers = { ...(await defaultHandlers()), ...opts.handlers };
  for (const name of ["export", "generate", "evaluate", "collect", "import-model", "score", "seed-drafts"] as const) {
    const handler = handlers[name];
    if (!handler) continue;
    await boss.work<Record<string, unknown>>(name, poll, async ([job]) => {
      try {
        return await handler(job.data);
      } catch (e) {
        // pg-boss records the failure and retries; the operator reads why here.
        console.warn(`[tuneloop] ${name} job ${job.id} failed:`, (e as Error).message);
        throw e;
      }
    });
  }

  // Webhook attempts wait on other servers (up to the policy's timeout), so several run at once.
  const webhookPolicy: WebhookPolicy = { ...DEFAULT_WEBHOOK_POLICY, ...opts.webhookPolicy };
  await boss.work<Record<string, unknown>>("webhook", { ...poll, localConcurrency: 4 }, async ([job]) => runWebhookJob(job.data, webhookPolicy));

  const timers: NodeJS.Timeout[] = [];
  const safely = (what: string, fn: () => Promise<unknown>) => () => void fn().catch((e) => console.warn(`[tuneloop] ${what} failed:`, (e as Error).message));
  timers.push(setInterval(safely("reconcile", reconcileRuns), opts.reconcileMs ?? 15_000));
  // The outbox relay: deliveries written in their change's transaction are handed to the `webhook` queue when due.
  const relay = () => relayDueDeliveries((deliveryId) => boss.send("webhook", { deliveryId }), webhookPolicy);
  timers.push(setInterval(safely("webhook relay", relay), opts.webhookRelayMs ?? 2_000));
  // Safety screening: a `moderate` job judges a batch of due texts; sent only when some are due, so an idle project costs one query.
  const moderationPolicy = { ...MODERATION_POLICY, ...opts.moderationPolicy };
  await boss.work<Record<string, unknown>>("moderate", poll, async () => runModerationJob(moderationPolicy));
  const moderate = async () => {
    if (await hasDueModeration(getDb(), moderationPolicy.baseSeconds)) await boss.send("moderate", {});
  };
  timers.push(setInterval(safely("moderation", moderate), opts.moderationMs ?? 5_000));
  const tick = await scheduleTick();
  if (tick) timers.push(setInterval(safely("schedule", () => tick(new Date())), opts.scheduleMs ?? 60_000));
  void safely("reconcile", reconcileRuns)();

  return {
    boss,
    stop: async () => {
      timers.forEach(clearInterval);
      await boss.stop({ graceful: false });
      setBoss(undefined);
    },
  };
}

async function scheduleTick(): Promise<((now: Date) => Promise<unknown>) | null> {
  try {
    const mod = (await import("@/lib/runs/schedule")) as { runScheduleTick?: (now: Date) => Promise<unknown> };
    return mod.runScheduleTick ?? null;
  } catch {
    return null;
  }
}

async function defaultHandlers(): Promise<Handlers> {
  const handlers: Handlers = {};
  const exp = await import("./export-job");
  handlers.export = (data) => exp.runExportJob(data);
  const gen = await import("./generate-job");
  handlers.generate = (data) => gen.runGenerateJob(data);
  handlers.collect = async (data) => (await import("./collect-job")).runCollectJob(data);
  handlers["import-model"] = async (data) => (await import("./import-job")).runImportJob(data);
  handlers.score = async (data) => (await import("./score-job")).runScoreJob(data);
  handlers["seed-drafts"] = async (data) => (await import("@/lib/prompts/seed-drafts-job")).runSeedDraftsJob(data);
  handlers.evaluate = async (data) => (await import("@/lib/evaluation/evaluate-job")).runEvaluateJob(data);
  return handlers;
}
