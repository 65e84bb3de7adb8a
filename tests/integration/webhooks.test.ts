// Webhooks on a real database, against a real local HTTP receiver that checks signatures with the README's recipe:
// events written in the change's transaction (a ranking, a settled prompt, a review, a promotion, a failed run), delivered by the job runner (500 then 200: retried with backoff and
// delivered), timeouts, disabled after N failures in a row (and the admin told), redelivery by hand, validation and roles.
// Two tests, not more: each starts from a fresh database.
import { afterEach, expect, it } from "vitest";
import { eq } from "drizzle-orm";
import { getDb } from "@/db/client";
import { auditLog, modelVersions, trainingRuns, webhookDeliveries, webhooks } from "@/db/schema";
import { markRunFailed } from "@/lib/jobs/run-failed";
import { promoteModelVersion } from "@/lib/runs/runs";
import type { Actor } from "@/lib/auth/roles";
import { AppError } from "@/lib/errors";
import { stopBoss } from "@/lib/jobs/queue";
import { submitRanking } from "@/lib/rankings/submit";
import { nextTask } from "@/lib/rankings/tasks";
import { decideReview } from "@/lib/reviews/review";
import { nextTaskInput, submitRankingInput } from "@/lib/validation/rankings";
import { addWebhookInput, listDeliveriesInput, redeliverInput, webhookRefInput } from "@/lib/validation/webhooks";
import { attemptDelivery, relayDueDeliveries, type WebhookPolicy } from "@/lib/webhooks/deliver";
import { emitWebhookEvent } from "@/lib/webhooks/emit";
import { addWebhook, enableWebhook, listDeliveries, listWebhooks, redeliver, removeWebhook } from "@/lib/webhooks/webhooks";
import { makeActor } from "../helpers/actors";
import { describeEachDatabase } from "../helpers/db";
import { withInput } from "../helpers/input";
import { seedProject, seedPrompts } from "../helpers/seed";
import { until, useTrainRunner } from "../helpers/train-run";
import { startWebhookReceiver } from "../helpers/webhook-receiver";

const submitRankingVia = (actor: Actor, raw: unknown) => withInput(submitRankingInput, raw, (input) => submitRanking(actor, input));
const nextTaskVia = (actor: Actor, raw: unknown) => withInput(nextTaskInput, raw, (input) => nextTask(actor, input));
const addWebhookVia = (actor: Actor, raw: unknown) => withInput(addWebhookInput, raw, (input) => addWebhook(actor, input));
const deliveriesOf = (actor: Actor, id: string) => withInput(listDeliveriesInput, { projectSlug: "demo", id }, (input) => listDeliveries(actor, input));
const redeliverVia = (actor: Actor, deliveryId: string) => withInput(redeliverInput, { projectSlug: "demo", deliveryId }, (input) => redeliver(actor, input));

/** The AppError a call is refused with; a call that succeeds fails the test. */
async function refusal(p: Promise<unknown>): Promise<AppError> {
  const outcome = await p.then(
    () => null,
    (e: unknown) => e,
  );
  if (!(outcome instanceof AppError)) throw new Error(`expected a refusal, got ${outcome === null ? "success" : (outcome as Error).message}`);
  return outcome;
}

describeEachDatabase("webhooks", () => {
  const runner = useTrainRunner("tl-webhooks", { remove: true });
  let closeReceiver: (() => Promise<void>) | null = null;
  afterEach(async () => {
    await closeReceiver?.();
    closeReceiver = null;
    await stopBoss();
  });

  it("a ranking's events are written with it and delivered by the job runner, signed; a 500 is retried after the backoff and then delivered", async () => {
    let secret = "";
    // The first request fails on purpose; every later one is accepted.
    const receiver = await startWebhookReceiver((n) => (n === 1 ? 500 : 200), () => secret);
    closeReceiver = receiver.close;
    const admin = await makeActor("admin");
    const annotator = await makeActor("annotator");
    const project = await seedProject({ settings: { k: 2, overlap: 1, agreementThreshold: 0, generateOnPromote: false } });
    await seedPrompts(project.id, 2, 2);
    const hook = await addWebhookVia(admin, { projectSlug: "demo", url: receiver.url, events: "ranking.submitted,prompt.settled,review.decided,version.promoted,run.failed", description: "CI" });
    secret = hook.secret;
    expect(secret).toMatch(/^whsec_/);
    // The secret is shown once: stored sealed, never listed.
    const [row] = await getDb().select().from(webhooks).where(eq(webhooks.id, hook.id));
    expect(row.secretSealed).not.toContain(secret.slice(6));
    expect(JSON.stringify(await listWebhooks(admin, "demo"))).not.toContain(secret);

    // A ranking refused by validation writes no event; an accepted one writes ranking.submitted and prompt.settled.
    const task = (await nextTaskVia(annotator, { projectSlug: "demo" }))!;
    const refused = await refusal(submitRankingVia(annotator, { assignmentId: task.assignmentId, order: [[task.outputs[0].id]], idempotencyKey: "webhook-rank-0" }));
    expect(refused.status).toBe(400);
    expect(await getDb().select().from(webhookDeliveries)).toHaveLength(0);
    const order = task.outputs.map((o) => [o.id]);
    const submitted = await submitRankingVia(annotator, { assignmentId: task.assignmentId, order, idempotencyKey: "webhook-rank-1" });
    // The same submission again (a retry) is no new event.
    await submitRankingVia(annotator, { assignmentId: task.assignmentId, order, idempotencyKey: "webhook-rank-1" });
    const written = await getDb().select().from(webhookDeliveries);
    expect(written.map((d) => d.event).sort()).toEqual(["prompt.settled", "ranking.submitted"]);
    expect(written.every((d) => d.status === "pending" && d.attempts === 0)).toBe(true);

    await runner.start({ pollSeconds: 0.5, webhookRelayMs: 100, webhookPolicy: { backoffMs: 400, timeoutMs: 2000 } });
    const done = await until(async () => {
      const rows = await getDb().select().from(webhookDeliveries);
      return rows.every((d) => d.status === "delivered") ? rows : null;
    }, 30_000);

    // Three requests: one event failed once (500) and was sent again; all carried a valid signature.
    expect(receiver.received).toHaveLength(3);
    expect(receiver.received.every((r) => r.verified)).toBe(true);
    expect(receiver.received.every((r) => r.headers["content-type"] === "application/json")).toBe(true);
    const first = receiver.received[0];
    const retried = receiver.received.filter((r) => r.json.id === first.json.id);
    expect(retried).toHaveLength(2);
    expect(retried[1].body).toBe(first.body);
    expect(retried.map((r) => r.headers["tuneloop-attempt"])).toEqual(["1", "2"]);
    const ranked = receiver.received.find((r) => r.json.type === "ranking.submitted")!;
    expect(ranked.json).toMatchObject({ project: { slug: "demo" }, data: { rankingId: submitted.rankingId, promptId: task.prompt.id, annotatorId: annotator.id } });
    expect(ranked.headers["tuneloop-event"]).toBe("ranking.submitted");
    const settled = receiver.received.find((r) => r.json.type === "prompt.settled")!;
    expect(settled.json.data).toMatchObject({ promptId: task.prompt.id, by: "agreement", rankings: 1, consensus: order.flat() });

    // The delivery log: the retried delivery shows both attempts, 500 then 200, the second after the backoff.
    const log = await deliveriesOf(admin, hook.id);
    expect(log).toHaveLength(2);
    const twice = log.find((d) => d.eventId === first.json.id)!;
    expect(twice).toMatchObject({ status: "delivered", attempts: 2, lastStatusCode: 200, lastError: null });
    expect(twice.log.map((a) => [a.attempt, a.statusCode, a.error])).toEqual([
      [1, 500, "HTTP 500"],
      [2, 200, null],
    ]);
    expect(new Date(twice.log[1].at).getTime() - new Date(twice.log[0].at).getTime()).toBeGreaterThanOrEqual(400);
    expect(done.find((d) => d.eventId !== first.json.id)!.attempts).toBe(1);

    // Redelivered by hand: a new delivery, the same event id and body, sent by the running job runner.
    const again = await redeliverVia(admin, twice.id);
    expect(again).toMatchObject({ status: "pending", eventId: first.json.id, redeliveryOf: twice.id });
    await until(async () => (receiver.received.length === 4 ? true : null), 20_000);
    expect(receiver.received[3]).toMatchObject({ body: first.body, verified: true });
    expect(receiver.received[3].headers["tuneloop-delivery"]).toBe(again.id);

    // A reviewer's decision is an event too, delivered the same way.
    const reviewer = await makeActor("reviewer");
    await decideReview(reviewer, { kind: "ranking", id: task.prompt.id, decision: "reject", reason: "Spam" });
    const review = await until(async () => receiver.received.find((r) => r.json.type === "review.decided"), 20_000);
    expect(review.json.data).toMatchObject({ kind: "ranking", targetId: task.prompt.id, decision: "reject", reason: "Spam", reviewerId: reviewer.id });

    // So are a promotion and a failed run.
    const [version] = await getDb().insert(modelVersions).values({ projectId: project.id, label: "v1", base: "tiny", config: {}, checkpointPath: "/nonexistent/v1" }).returning();
    await promoteModelVersion(admin, { projectSlug: "demo", versionId: version.id });
    const [run] = await getDb().insert(trainingRuns).values({ projectId: project.id, kind: "sft", hyperparameters: {}, base: "tiny", status: "running" }).returning();
    await markRunFailed(run, { progress: {}, error: "trainer exited with 1" });
    const promoted = await until(async () => receiver.received.find((r) => r.json.type === "version.promoted"), 20_000);
    expect(promoted.json.data).toMatchObject({ versionId: version.id, label: "v1", previous: null });
    const failed = await until(async () => receiver.received.find((r) => r.json.type === "run.failed"), 20_000);
    expect(failed.json.data).toMatchObject({ runId: run.id, kind: "sft", error: "trainer exited with 1" });
    expect(receiver.received.every((r) => r.verified)).toBe(true);
  }, 120_000);

  it("validates URL and events naming the field and refuses other roles; a receiver that does not answer times out; N failures in a row disable the webhook, the admin is told, and redelivery works once it is enabled", async () => {
    let secret = "";
    let healthy = false;
    // The first request hangs (a timeout), the rest fail with 500 until the receiver is fixed.
    const receiver = await startWebhookReceiver((n) => (healthy ? 200 : n === 1 ? "hang" : 500), () => secret);
    closeReceiver = receiver.close;
    const admin = await makeActor("admin");
    const reviewer = await makeActor("reviewer");
    const project = await seedProject();
    await seedProject({ slug: "other" });

    // Validation names the field; other roles are refused; nothing is written.
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ url: "ftp://example.com/x", events: ["export.ready"] }, "url"],
      [{ url: "not a url", events: ["export.ready"] }, "url"],
      [{ url: "https://user:pw@example.com/x", events: ["export.ready"] }, "url"],
      [{ url: "https://example.com/x", events: ["export.done"] }, "events"],
      [{ url: "https://example.com/x", events: [] }, "events"],
      [{ url: "https://example.com/x", events: "export.ready,export.ready" }, "events"],
    ];
    for (const [fields, field] of cases) {
      const err = await refusal(addWebhookVia(admin, { projectSlug: "demo", ...fields }));
      expect(err.status, JSON.stringify(fields)).toBe(400);
      expect(Object.keys(err.fieldErrors ?? {}).map((k) => k.split(".")[0]), JSON.stringify(fields)).toEqual([field]);
    }
    const denied = await refusal(addWebhookVia(reviewer, { projectSlug: "demo", url: "https://example.com/x", events: "*" }));
    expect(denied.status).toBe(403);
    expect((await refusal(listWebhooks(reviewer, "demo"))).status).toBe(403);
    expect(await getDb().select().from(webhooks)).toHaveLength(0);

    const theirs = await addWebhookVia(admin, { projectSlug: "other", url: "https://example.com/other", events: "*" });
    expect(theirs.events).toHaveLength(8);
    const wrongProject = await refusal(deliveriesOf(admin, theirs.id));
    expect(wrongProject.status).toBe(404);
    expect(Object.keys(wrongProject.fieldErrors ?? {})).toEqual(["id"]);

    const hook = await addWebhook(admin, { projectSlug: "demo", url: receiver.url, events: ["export.ready", "run.failed"] });
    secret = hook.secret;
    const emit = (event: "export.ready" | "run.failed", data: Record<string, unknown>) => getDb().transaction((tx) => emitWebhookEvent(tx, { projectId: project.id, event, data }));
    // Attempts are made here, one relay pass at a time, without the queue (the first test covers it); no backoff.
    const policy: WebhookPolicy = { timeoutMs: 300, maxAttempts: 2, backoffMs: 0, disableAfter: 3, reclaimAfterMs: 60_000 };
    const pass = () => relayDueDeliveries((id) => attemptDelivery(id, policy), policy);
    // An event the webhook does not receive writes nothing.
    expect(await getDb().transaction((tx) => emitWebhookEvent(tx, { projectId: project.id, event: "version.promoted", data: {} }))).toBeNull();

    const a = await emit("export.ready", { exportId: "e1" });
    expect(await pass()).toBe(1);
    expect(await pass()).toBe(1);
    expect(await pass()).toBe(0);
    const [logA] = await deliveriesOf(admin, hook.id);
    expect(logA).toMatchObject({ eventId: a, status: "failed", attempts: 2, lastStatusCode: 500 });
    expect(logA.log[0]).toMatchObject({ attempt: 1, statusCode: null, error: "timed out after 300 ms" });
    expect(logA.log[0].durationMs).toBeGreaterThanOrEqual(290);
    expect(logA.log[1]).toMatchObject({ attempt: 2, statusCode: 500 });

    // The third failure in a row (across deliveries) disables it.
    const b = await emit("run.failed", { runId: "r1" });
    await pass();
    const [listed] = await listWebhooks(admin, "demo");
    expect(listed).toMatchObject({ enabled: false, consecutiveFailures: 3 });
    expect(listed.disabledReason).toMatch(/^3 failed attempts in a row; the last: HTTP 500/);
    const told = await getDb().select().from(auditLog).where(eq(auditLog.action, "webhook.disabled"));
    expect(told).toHaveLength(1);
    expect(told[0]).toMatchObject({ targetId: hook.id });
    const logB = (await deliveriesOf(admin, hook.id)).find((d) => d.eventId === b)!;
    expect(logB).toMatchObject({ status: "failed", attempts: 1, lastError: "webhook disabled" });
    // A disabled webhook gets no new events and cannot be redelivered to.
    expect(await emit("run.failed", { runId: "r2" })).toBeNull();
    const refused = await refusal(redeliverVia(admin, logB.id));
    expect(refused.status).toBe(409);
    expect(Object.keys(refused.fieldErrors ?? {})).toEqual(["deliveryId"]);
    expect(receiver.received).toHaveLength(3);

    // Fixed and enabled again: the missed event is redelivered, signed, with its original id.
    healthy = true;
    await withInput(webhookRefInput, { projectSlug: "demo", id: hook.id }, (i) => enableWebhook(admin, i));
    const again = await redeliverVia(admin, logB.id);
    await pass();
    expect(receiver.received).toHaveLength(4);
    expect(receiver.received[3]).toMatchObject({ verified: true, json: { id: b, type: "run.failed", data: { runId: "r1" } } });
    expect((await deliveriesOf(admin, hook.id)).find((d) => d.id === again.id)).toMatchObject({ status: "delivered", attempts: 1, lastStatusCode: 200 });
    expect((await listWebhooks(admin, "demo"))[0]).toMatchObject({ enabled: true, consecutiveFailures: 0 });

    // Removed: gone from the list; its events are no longer written.
    await removeWebhook(admin, { projectSlug: "demo", id: hook.id });
    expect(await listWebhooks(admin, "demo")).toEqual([]);
    expect(await emit("run.failed", { runId: "r3" })).toBeNull();
  }, 120_000);
});
