// The retrain schedule on a real database: validation, the three conditions for firing, never twice, the tick, the default pair count.
import { afterEach, expect, it } from "vitest";
import { eq } from "drizzle-orm";
import { getDb } from "@/db/client";
import { auditLog, projects, trainingRuns } from "@/db/schema";
import { stopBoss } from "@/lib/jobs/queue";
import { nextTask } from "@/lib/rankings/tasks";
import { submitRanking } from "@/lib/rankings/submit";
import { cancelRun, createRun } from "@/lib/runs/runs";
import { retrainScheduleInput } from "@/lib/validation/runs";
import type { AnyActor } from "@/lib/auth/roles";
import type { Actor } from "@/lib/auth/roles";
import { withInput } from "../helpers/input";
import { countNewPairsDefault, evaluateSchedule, getScheduleStatus, runScheduleTick, setRetrainSchedule } from "@/lib/runs/schedule";
import { makeActor } from "../helpers/actors";
import { describeEachDatabase } from "../helpers/db";
import { seedProject, seedPrompts } from "../helpers/seed";
import { createRunInput } from "@/lib/validation/runs";
import { submitRankingInput, nextTaskInput } from "@/lib/validation/rankings";

/** Parsed at the boundary first, as the action, route and CLI do. */
const createRunVia = (actor: AnyActor, raw: unknown) => withInput(createRunInput, raw, (input) => createRun(actor, input));

const submitRankingVia = (actor: Actor, raw: unknown) => withInput(submitRankingInput, raw, (input) => submitRanking(actor, input));
const nextTaskVia = (actor: Actor, raw: unknown) => withInput(nextTaskInput, raw, (input) => nextTask(actor, input));
/** Moves the window's start to a fixed time, so cron times are known. */
async function setLastCheckAt(projectId: string, at: string) {
  const [p] = await getDb().select().from(projects).where(eq(projects.id, projectId));
  await getDb().update(projects).set({ retrainSchedule: { ...p.retrainSchedule!, lastCheckAt: at } as never }).where(eq(projects.id, projectId));
}

const runs = () => getDb().select().from(trainingRuns);

describeEachDatabase("retrain schedule", () => {
  afterEach(async () => {
    await stopBoss();
  });

  it("refuses a cron that does not parse with 400 naming cron, and saves nothing; reviewers may not set it", async () => {
    const admin = await makeActor("admin");
    const reviewer = await makeActor("reviewer");
    const project = await seedProject({ slug: "demo" });
    for (const cron of ["every day", "61 * * * *", "* * *", ""]) {
      const err = await withInput(retrainScheduleInput, { projectSlug: "demo", cron, minNewPairs: 10, enabled: true }, (i) => setRetrainSchedule(admin, i)).catch((e) => e);
      expect(err.status, cron).toBe(400);
      expect(Object.keys(err.fieldErrors), cron).toEqual(["cron"]);
    }
    const neg = await withInput(retrainScheduleInput, { projectSlug: "demo", cron: "0 3 * * *", minNewPairs: -1, enabled: true }, (i) => setRetrainSchedule(admin, i)).catch((e) => e);
    expect(Object.keys(neg.fieldErrors)).toEqual(["minNewPairs"]);
    const denied = await setRetrainSchedule(reviewer, { projectSlug: "demo", cron: "0 3 * * *", minNewPairs: 1, enabled: true }).catch((e) => e);
    expect(denied.status).toBe(403);
    const [row] = await getDb().select().from(projects).where(eq(projects.id, project.id));
    expect(row.retrainSchedule).toBeNull();
    expect((await getDb().select().from(auditLog)).filter((a) => a.action === "schedule.update")).toHaveLength(0);

    expect(await setRetrainSchedule(admin, { projectSlug: "demo", cron: "0 3 * * *", minNewPairs: 5, enabled: true })).toEqual({ cron: "0 3 * * *", minNewPairs: 5, enabled: true });
    const status = await getScheduleStatus(reviewer, "demo");
    expect(status.schedule).toEqual({ cron: "0 3 * * *", minNewPairs: 5, enabled: true });
    expect(new Date(status.nextFireAt!).getTime()).toBeGreaterThan(Date.now());
    expect(new Date(status.nextFireAt!).getHours()).toBe(3);
    expect(status.lastDecision).toBeNull();
    expect((await getDb().select().from(auditLog)).filter((a) => a.action === "schedule.update")).toHaveLength(1);
  });

  it("fires only when a cron time passed AND enough new pairs AND no active run; never twice", async () => {
    const admin = await makeActor("admin");
    const project = await seedProject({ slug: "demo" });
    // Once a year, at midnight on 1 January (server time).
    await setRetrainSchedule(admin, { projectSlug: "demo", cron: "0 0 1 1 *", minNewPairs: 3, enabled: true });
    await setLastCheckAt(project.id, new Date(2030, 5, 1).toISOString());
    let pairs = 0;
    const sinceSeen: Array<Date | null> = [];
    const count = async (_: string, since: Date | null) => (sinceSeen.push(since), pairs);

    // Enough pairs, no run, but no cron time since the last check.
    pairs = 10;
    let d = await evaluateSchedule(project.id, new Date(2030, 5, 2), count);
    expect(d).toMatchObject({ fire: false, reason: expect.stringMatching(/Not due/) });

    // Cron time passed, too few pairs: no run, and the decision is stored.
    pairs = 2;
    d = await evaluateSchedule(project.id, new Date(2031, 0, 2), count);
    expect(d).toMatchObject({ fire: false, reason: expect.stringMatching(/only 2 new pairs.*needs 3/) });
    expect((await getScheduleStatus(admin, "demo")).lastDecision).toMatchObject({ fired: false, reason: expect.stringMatching(/only 2 new pairs/) });
    expect(sinceSeen.at(-1)).toBeNull();

    // Enough pairs now, but that cron time was already checked: wait for the next one.
    pairs = 10;
    d = await evaluateSchedule(project.id, new Date(2031, 5, 1), count);
    expect(d.fire).toBe(false);
    expect(await runs()).toHaveLength(0);

    // Cron time passed, enough pairs, but a run is queued: never two at once.
    const manual = await createRunVia(admin, { projectSlug: "demo", base: "tiny" });
    d = await evaluateSchedule(project.id, new Date(2032, 0, 2), count);
    expect(d).toMatchObject({ fire: false, reason: expect.stringMatching(/already queued or running/) });
    expect(await runs()).toHaveLength(1);
    await cancelRun(admin, manual.id);

    // All three: it fires, as the system, with trigger "schedule"; new pairs are counted from the last run.
    d = await evaluateSchedule(project.id, new Date(2033, 0, 2), count);
    expect(d).toMatchObject({ fire: true, runId: expect.any(String) });
    const [lastRun] = (await runs()).filter((r) => r.id === manual.id);
    expect(sinceSeen.at(-1)?.getTime()).toBe(lastRun.createdAt.getTime());
    const scheduled = (await runs()).filter((r) => r.trigger === "schedule");
    expect(scheduled).toHaveLength(1);
    expect(scheduled[0]).toMatchObject({ id: d.runId, status: "queued", createdBy: null, base: "tiny", kind: "sft+dpo" });
    const audit = (await getDb().select().from(auditLog)).find((a) => a.action === "run.create" && a.targetId === d.runId);
    expect(audit).toMatchObject({ actorId: null, data: { trigger: "schedule" } });
    const status = await getScheduleStatus(admin, "demo");
    expect(status.lastDecision).toMatchObject({ fired: true, runId: d.runId });
    expect(status.lastCheckAt).toBe(new Date(2033, 0, 2).toISOString());

    // The same instant again, and concurrent checks at a later cron time: no second run.
    expect((await evaluateSchedule(project.id, new Date(2033, 0, 2), count)).fire).toBe(false);
    await cancelRun(admin, d.runId!);
    const both = await Promise.all([evaluateSchedule(project.id, new Date(2034, 0, 2), count), evaluateSchedule(project.id, new Date(2034, 0, 2), count)]);
    expect(both.filter((x) => x.fire)).toHaveLength(1);
    expect((await runs()).filter((r) => r.trigger === "schedule")).toHaveLength(2);
    // A clock going backwards never re-opens a window.
    expect((await evaluateSchedule(project.id, new Date(2033, 6, 1), count)).fire).toBe(false);
    expect((await getScheduleStatus(admin, "demo")).lastCheckAt).toBe(new Date(2034, 0, 2).toISOString());
  });

  it("the tick checks only enabled schedules; saving a schedule restarts its window", async () => {
    const admin = await makeActor("admin");
    const on = await seedProject({ slug: "on" });
    const off = await seedProject({ slug: "off" });
    await seedProject({ slug: "none" });
    await setRetrainSchedule(admin, { projectSlug: "on", cron: "*/5 * * * *", minNewPairs: 0, enabled: true });
    await setRetrainSchedule(admin, { projectSlug: "off", cron: "*/5 * * * *", minNewPairs: 0, enabled: false });
    await setLastCheckAt(on.id, new Date(2030, 0, 1).toISOString());
    await setLastCheckAt(off.id, new Date(2030, 0, 1).toISOString());
    const results = await runScheduleTick(new Date(2030, 0, 1, 0, 7), async () => 0);
    expect(results.map((r) => [r.projectId, r.fire])).toEqual([[on.id, true]]);
    expect((await runs()).map((r) => r.projectId)).toEqual([on.id]);
    expect(await evaluateSchedule(off.id, new Date(2030, 0, 1, 0, 7), async () => 0)).toMatchObject({ fire: false, reason: expect.stringMatching(/disabled/) });

    // Re-enabling does not fire for cron times missed while it was off.
    await setRetrainSchedule(admin, { projectSlug: "off", cron: "*/5 * * * *", minNewPairs: 0, enabled: true });
    const savedAt = new Date((await getScheduleStatus(admin, "off")).lastCheckAt ?? "");
    expect(Math.abs(savedAt.getTime() - Date.now())).toBeLessThan(60_000);
    expect((await evaluateSchedule(off.id, savedAt, async () => 0)).fire).toBe(false);
  });

  it("by default counts current rankings of settled prompts since the last run", async () => {
    const admin = await makeActor("admin");
    const project = await seedProject({ slug: "demo", settings: { overlap: 2, k: 2, agreementThreshold: 0 } });
    await seedPrompts(project.id, 3, 2);
    const people = await Promise.all([0, 1].map(() => makeActor("annotator")));
    // Two annotators rank two prompts: both settle (overlap 2); the third prompt stays open with one ranking.
    for (const person of people) {
      for (let i = 0; i < (person === people[0] ? 3 : 2); i++) {
        const t = await nextTaskVia(person, { projectSlug: "demo" });
        if (!t) break;
        await submitRankingVia(person, { assignmentId: t.assignmentId, order: t.outputs.map((o) => [o.id]), idempotencyKey: crypto.randomUUID(), flags: {} });
      }
    }
    expect(await countNewPairsDefault(project.id, null)).toBe(4);
    const run = await createRunVia(admin, { projectSlug: "demo", base: "tiny" });
    const [row] = (await runs()).filter((r) => r.id === run.id);
    expect(await countNewPairsDefault(project.id, row.createdAt)).toBe(0);
    expect((await getScheduleStatus(admin, "demo")).newPairsSinceLastRun).toBe(0);
  });
});
