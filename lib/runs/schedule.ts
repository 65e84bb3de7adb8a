// The retrain schedule: an admin's cron + minimum new pairs per project, and the tick that starts runs from it.
import "server-only";
import { CronExpressionParser } from "cron-parser";
import { getDb } from "@/db/client";
import { getProjectById } from "@/db/queries/projects";
import * as qr from "@/db/queries/runs";
import * as qs from "@/db/queries/schedule";
import type { StoredSchedule } from "@/db/queries/schedule";
import { recordAudit } from "@/lib/audit";
import { assertRole, type AnyActor } from "@/lib/auth/roles";
import { isAppError } from "@/lib/errors";
import { projectBySlugOr404 } from "@/lib/projects/projects";
import { scheduleActor } from "@/lib/projects/system-actor";
import { hyperparametersInput, stageInput, type RetrainScheduleInput } from "@/lib/validation/runs";
import { createRun } from "./runs";

export type CountNewPairs = (projectId: string, since: Date | null) => Promise<number>;
export type ScheduleDecision = { fire: boolean; reason: string; runId?: string | null };

export const countNewPairsDefault: CountNewPairs = (projectId, since) => qs.countSettledRankingsSince(getDb(), projectId, since);

/** The first cron time strictly after `after`, in the server's time zone. */
export function nextCronTime(cron: string, after: Date): Date {
  return CronExpressionParser.parse(cron, { currentDate: after }).next().toDate();
}

/** Saves the schedule; the window for the next check starts now, so re-enabling never fires for missed times. */
export async function setRetrainSchedule(actor: AnyActor | null, input: RetrainScheduleInput) {
  const who = assertRole(actor, "admin");
  const now = new Date();
  return getDb().transaction(async (tx) => {
    const project = await projectBySlugOr404(tx, input.projectSlug);
    // eslint-disable-next-line @typescript-eslint/no-unnecessary-type-assertion -- StoredSchedule adds optional fields tsc needs; the rule reads the types as one
    const before = (project.retrainSchedule as StoredSchedule | null) ?? null;
    const schedule: StoredSchedule = {
      cron: input.cron,
      minNewPairs: input.minNewPairs,
      enabled: input.enabled,
      finetune: input.hyperparameters ?? before?.finetune,
      lastCheckAt: now.toISOString(),
      lastDecision: before?.lastDecision ?? null,
    };
    await qs.updateProjectSchedule(tx, project.id, schedule);
    await recordAudit(tx, {
      actorId: who.id,
      action: "schedule.update",
      targetType: "project",
      targetId: project.id,
      data: { slug: project.slug, before: before ? { cron: before.cron, minNewPairs: before.minNewPairs, enabled: before.enabled } : null, after: { cron: input.cron, minNewPairs: input.minNewPairs, enabled: input.enabled } },
    });
    return { cron: schedule.cron, minNewPairs: schedule.minNewPairs, enabled: schedule.enabled };
  });
}

export async function getScheduleStatus(actor: AnyActor | null, projectSlug: string, opts: { countNewPairs?: CountNewPairs } = {}) {
  assertRole(actor, "reviewer");
  const db = getDb();
  const project = await projectBySlugOr404(db, projectSlug);
  // eslint-disable-next-line @typescript-eslint/no-unnecessary-type-assertion -- StoredSchedule adds optional fields tsc needs; the rule reads the types as one
  const stored = (project.retrainSchedule as StoredSchedule | null) ?? null;
  const lastRun = await qr.latestRunForProject(db, project.id);
  const newPairs = await (opts.countNewPairs ?? countNewPairsDefault)(project.id, lastRun?.createdAt ?? null);
  let nextFireAt: string | null = null;
  if (stored?.enabled) {
    try {
      nextFireAt = nextCronTime(stored.cron, new Date()).toISOString();
    } catch {
      nextFireAt = null;
    }
  }
  return {
    schedule: stored ? { cron: stored.cron, minNewPairs: stored.minNewPairs, enabled: stored.enabled, ...(stored.finetune ? { finetune: stored.finetune } : {}) } : null,
    nextFireAt,
    lastCheckAt: stored?.lastCheckAt ?? null,
    lastDecision: stored?.lastDecision ? { at: stored.lastDecision.at, fired: stored.lastDecision.fired, reason: stored.lastDecision.reason, runId: stored.lastDecision.runId ?? null } : null,
    newPairsSinceLastRun: newPairs,
    lastRunAt: lastRun?.createdAt.toISOString() ?? null,
  };
}

/**
 * Stage and hyperparameters of the project's last run that got anywhere, else the defaults; the schedule's own LoRA and
 * pilot choice (when it has one) replaces the last run's.
 */
async function scheduledRunSettings(projectId: string, finetune: StoredSchedule["finetune"]) {
  const runs = await qr.listRunsByProject(getDb(), projectId, 20);
  const last = runs.find((r) => r.status === "succeeded") ?? null;
  const stage = stageInput.safeParse(last?.kind);
  const hp = hyperparametersInput.safeParse(last?.hyperparameters ?? {});
  const { lora, pilot, ...rest } = hp.success ? hp.data : hyperparametersInput.parse({});
  const chosen = finetune ?? { lora, pilot };
  return { stage: stage.success ? stage.data : "sft+dpo", hyperparameters: { ...rest, ...(chosen.lora ? { lora: chosen.lora } : {}), ...(chosen.pilot ? { pilot: chosen.pilot } : {}) } };
}

/**
 * One check of a project's schedule at `now`. Fires only when (a) a cron time falls in (lastCheckAt, now],
 * (b) at least minNewPairs new pairs arrived since the last run was created, and (c) no run is queued or
 * running. Each check moves lastCheckAt to now under the project's row lock, so a cron time is claimed by
 * one check only, however many runners tick at once.
 */
export async function evaluateSchedule(projectId: string, now: Date, countNewPairs: CountNewPairs = countNewPairsDefault): Promise<ScheduleDecision> {
  const db = getDb();
  const project = await getProjectById(db, projectId);
  if (!project) return { fire: false, reason: "No such project." };
  // eslint-disable-next-line @typescript-eslint/no-unnecessary-type-assertion -- StoredSchedule adds optional fields tsc needs; the rule reads the types as one
  const seen = (project.retrainSchedule as StoredSchedule | null) ?? null;
  if (!seen) return { fire: false, reason: "No retrain schedule is set." };
  if (!seen.enabled) return { fire: false, reason: "The schedule is disabled." };

  const since = seen.lastCheckAt ? new Date(seen.lastCheckAt) : now;
  let due: Date | null = null;
  try {
    const next = nextCronTime(seen.cron, since);
    if (next.getTime() <= now.getTime()) due = next;
  } catch {
    return record(projectId, seen, now, { fire: false, reason: `The cron expression "${seen.cron}" no longer parses.` }, true);
  }
  if (!due) return record(projectId, seen, now, { fire: false, reason: `Not due: no cron time in (${since.toISOString()}, ${now.toISOString()}].` }, false);

  // Read outside the lock: countNewPairs may use its own connection (PGlite has one; a nested query would wait forever).
  const lastRun = await qr.latestRunForProject(db, projectId);
  const active = await qr.countActiveRunsForProject(db, projectId);
  const pairs = await countNewPairs(projectId, lastRun?.createdAt ?? null);
  let decision: ScheduleDecision;
  if (active > 0) decision = { fire: false, reason: `Cron time ${due.toISOString()} came due, but a run is already queued or running.` };
  else if (pairs < seen.minNewPairs)
    decision = { fire: false, reason: `Cron time ${due.toISOString()} came due, but only ${pairs} new pairs since the last run (needs ${seen.minNewPairs}).` };
  else decision = { fire: true, reason: `Cron time ${due.toISOString()} came due with ${pairs} new pairs since the last run (needs ${seen.minNewPairs}).` };

  const claimed = await record(projectId, seen, now, decision, true);
  if (!claimed.fire) return claimed;
  try {
    const settings = await scheduledRunSettings(projectId, seen.finetune);
    const run = await createRun(scheduleActor, { projectSlug: project.slug, base: "active", ...settings }, { trigger: "schedule" });
    const fired = { fire: true, reason: `${decision.reason} Started run ${run.id}.`, runId: run.id };
    await patchDecision(projectId, now, fired);
    return fired;
  } catch (e) {
    const failed = { fire: false, reason: `${decision.reason} Starting the run failed: ${isAppError(e) ? e.message : "unexpected error"}.` };
    if (!isAppError(e)) console.error("[tuneloop] scheduled run failed to start", e);
    await patchDecision(projectId, now, failed);
    return failed;
  }
}

/**
 * Moves lastCheckAt to now (and stores the decision when a cron time came due) under the row lock.
 * If another check moved lastCheckAt since we read it, it claimed the window: this check does nothing.
 */
async function record(projectId: string, seen: StoredSchedule, now: Date, decision: ScheduleDecision, store: boolean): Promise<ScheduleDecision> {
  return getDb().transaction(async (tx) => {
    const row = await qs.getProjectScheduleForUpdate(tx, projectId);
    const current = row?.retrainSchedule;
    if (!current || (current.lastCheckAt ?? null) !== (seen.lastCheckAt ?? null) || current.cron !== seen.cron || !current.enabled) {
      return { fire: false, reason: "Another check of this schedule ran at the same time, or the schedule changed; skipped." };
    }
    // A run started by hand since we looked: never two at once.
    if (decision.fire && (await qr.countActiveRunsForProject(tx, projectId)) > 0) {
      decision = { fire: false, reason: "A cron time came due, but a run was started meanwhile and is queued or running." };
    }
    const lastCheckAt = seen.lastCheckAt && new Date(seen.lastCheckAt).getTime() > now.getTime() ? seen.lastCheckAt : now.toISOString();
    await qs.updateProjectSchedule(tx, projectId, {
      ...current,
      lastCheckAt,
      lastDecision: store ? { at: now.toISOString(), fired: decision.fire, reason: decision.reason, runId: null } : (current.lastDecision ?? null),
    });
    return decision;
  });
}

async function patchDecision(projectId: string, now: Date, decision: ScheduleDecision) {
  await getDb().transaction(async (tx) => {
    const row = await qs.getProjectScheduleForUpdate(tx, projectId);
    if (!row?.retrainSchedule) return;
    await qs.updateProjectSchedule(tx, projectId, {
      ...row.retrainSchedule,
      lastDecision: { at: now.toISOString(), fired: decision.fire, reason: decision.reason, runId: decision.runId ?? null },
    });
  });
}

/** The job runner's tick: checks every project with an enabled schedule; one project's failure does not stop the rest. */
export async function runScheduleTick(now: Date = new Date(), countNewPairs: CountNewPairs = countNewPairsDefault) {
  const results: Array<{ projectId: string } & ScheduleDecision> = [];
  for (const projectId of await qs.listProjectIdsWithEnabledSchedule(getDb())) {
    try {
      results.push({ projectId, ...(await evaluateSchedule(projectId, now, countNewPairs)) });
    } catch (e) {
      console.warn(`[tuneloop] schedule check for project ${projectId} failed:`, (e as Error).message);
      results.push({ projectId, fire: false, reason: `Check failed: ${(e as Error).message}` });
    }
  }
  return results;
}
