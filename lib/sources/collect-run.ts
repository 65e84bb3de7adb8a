// The `collect` job's body: each chosen source answers the prompts short of K outputs; each prompt's answers are stored in one transaction.
import "server-only";
import { getDb } from "@/db/client";
import { insertCompletions } from "@/db/queries/generation";
import { screenStored } from "@/lib/screening/screen";
import { getProjectById } from "@/db/queries/projects";
import * as q from "@/db/queries/sources";
import type { CollectSourceReport, ModelSource } from "@/db/schema";
import { recordAudit } from "@/lib/audit";
import { emitWebhookEvent } from "@/lib/webhooks/emit";
import { AppError } from "@/lib/errors";
import { storableText } from "@/lib/jobs/trainer-process";
import { defaultSourceSettings } from "@/lib/validation/sources";
import { askChat, SourceCallError, type ChatEndpoint } from "./chat-client";
import { promptMessages } from "@/lib/conversations/messages";
import { collectRunView, type CollectRunView } from "./collect";
import { endpointOf } from "./sources";

/** A source that failed this many prompts in a row is asked nothing more in the run and reported as failing. */
export const FAILING_AFTER = 3;
/** Prompts asked at once when no source allows more; the real bound is each source's own concurrency. */
const MAX_PROMPTS_IN_FLIGHT = 64;

/** A counting semaphore: at most `n` holders at once. */
function limiter(n: number) {
  let active = 0;
  const waiting: Array<() => void> = [];
  return async <T>(fn: () => Promise<T>): Promise<T> => {
    if (active >= n) await new Promise<void>((r) => waiting.push(r));
    active++;
    try {
      return await fn();
    } finally {
      active--;
      waiting.shift()?.();
    }
  };
}

type Asker = { source: ModelSource; endpoint: ChatEndpoint | null; limit: ReturnType<typeof limiter>; report: CollectSourceReport; streak: number };

/**
 * The `collect` job's body. Safe to run again after a crash: prompts a source already answered
 * are skipped, so a retried job only asks what is missing. Holds one prompt's answers in memory
 * per prompt in flight (at most MAX_PROMPTS_IN_FLIGHT).
 */
export async function runCollect(runId: string): Promise<CollectRunView | null> {
  const db = getDb();
  const run = await q.getCollectRunById(db, runId);
  if (!run || (run.status !== "queued" && run.status !== "running")) return run ? collectRunView(run) : null;
  const project = await getProjectById(db, run.projectId);
  if (!project) throw new AppError("not_found:project", "The collect run's project is gone.");
  const rows = await q.listSourcesByIds(db, run.sourceIds);
  const askers: Asker[] = run.sourceIds.flatMap((id) => {
    const source = rows.find((r) => r.id === id);
    if (!source) return [];
    const report: CollectSourceReport = { ...(run.report[id] ?? { name: source.name, outputs: 0, failures: 0, lastError: null }), status: "ok" };
    let endpoint: ChatEndpoint | null = null;
    if (source.removedAt) Object.assign(report, { status: "failing", lastError: "removed before the run started" });
    else {
      try {
        endpoint = endpointOf(source);
      } catch (e) {
        Object.assign(report, { status: "failing", lastError: (e as Error).message });
      }
    }
    return [{ source, endpoint, limit: limiter(source.settings?.concurrency ?? defaultSourceSettings.concurrency), report, streak: 0 }];
  });
  const live = askers.filter((a) => a.endpoint);
  const todo = live.length
    ? await q.listPromptsNeedingSourceOutputs(db, { projectId: project.id, k: project.settings.k, sourceIds: live.map((a) => a.source.id), limit: run.promptLimit })
    : [];
  const reportOf = () => Object.fromEntries(askers.map((a) => [a.source.id, a.report]));
  await q.updateCollectRun(db, run.id, { status: "running", startedAt: run.startedAt ?? new Date(), progress: { prompts: todo.length, done: 0, outputs: 0 }, report: reportOf() });

  const perPrompt = limiter(Math.min(MAX_PROMPTS_IN_FLIGHT, Math.max(1, ...live.map((a) => a.source.settings.concurrency))));
  await Promise.all(
    todo.map((prompt, index) =>
      perPrompt(async () => {
        // Rotate who goes first, so when fewer outputs are wanted than sources chosen, no source is always left out.
        const order = live.map((_, i) => live[(i + index) % live.length]);
        const chosen = order.filter((a) => a.report.status === "ok" && !prompt.answered.includes(a.source.id)).slice(0, project.settings.k - prompt.have);
        // The whole conversation so far (system message, earlier turns), then this user turn.
        const messages = promptMessages(prompt);
        const answers = await Promise.all(
          chosen.map((a) =>
            a.limit(async () => {
              if (a.report.status !== "ok") return null;
              try {
                const { text: reply } = await askChat(a.endpoint!, messages);
                a.streak = 0;
                return { a, reply: storableText(reply) };
              } catch (e) {
                if (!(e instanceof SourceCallError)) throw e;
                a.report.failures += 1;
                a.report.lastError = e.message;
                a.streak += 1;
                if (a.streak >= FAILING_AFTER) a.report.status = "failing";
                return null;
              }
            }),
          ),
        );
        const got = answers.filter((x): x is NonNullable<typeof x> => x !== null && x.reply.trim().length > 0);
        await db.transaction(async (tx) => {
          const ids = await insertCompletions(
            tx,
            got.map(({ a, reply }) => ({ promptId: prompt.id, text: reply, source: "model" as const, modelSourceId: a.source.id, generator: a.source.name })),
          );
          await screenStored(tx, { completionIds: ids });
          await q.bumpCollectProgress(tx, run.id, { done: 1, outputs: got.length });
        });
        for (const { a } of got) a.report.outputs += 1;
      }),
    ),
  );

  const stored = askers.reduce((s, a) => s + a.report.outputs, 0);
  // Failed: nothing stored and every source failed (a run with no prompts to ask about succeeds with nothing to do).
  const allFailed = askers.length > 0 && stored === 0 && askers.every((a) => a.report.status === "failing" || a.report.failures > 0);
  const failing = askers.filter((a) => a.report.status === "failing" || (allFailed && a.report.failures > 0));
  const error = failing.length ? failing.map((a) => `${a.report.name}: ${a.report.lastError}`).join("; ") : null;
  const done = await db.transaction(async (tx) => {
    const row = await q.updateCollectRun(tx, run.id, { status: allFailed ? "failed" : "succeeded", report: reportOf(), error, finishedAt: new Date() });
    await recordAudit(tx, { actorId: null, action: "source.collect.done", targetType: "collect_run", targetId: run.id, data: { prompts: todo.length, outputs: stored, failing: failing.map((a) => a.report.name) } });
    for (const a of failing) {
      await emitWebhookEvent(tx, {
        projectId: run.projectId,
        event: "source.failing",
        data: { source: a.report.name, sourceId: a.source.id, collectRunId: run.id, failures: a.report.failures, outputs: a.report.outputs, lastError: a.report.lastError },
      });
    }
    return row;
  });
  return collectRunView(done);
}
