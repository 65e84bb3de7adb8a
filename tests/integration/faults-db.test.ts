// PostgreSQL failing under annotators: the server crash-restarts (pg_ctl restart -m immediate) twice while eight of
// them loop next task → submit, and commit acknowledgements get lost on the wire. Whatever a client saw acknowledged
// is in the database exactly once, the pool reconnects by itself, and retries with the same key add nothing.
import { randomUUID } from "node:crypto";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { connectPostgres, setConnection, type Connection } from "@/db/client";
import { migrateDatabase } from "@/db/migrate";
import type { Actor } from "@/lib/auth/roles";
import { isAppError } from "@/lib/errors";
import { submitRanking } from "@/lib/rankings/submit";
import { nextTask } from "@/lib/rankings/tasks";
import { makeActor } from "../helpers/actors";
import { runAnnotatorLoops, verifyAcknowledged, type LoopStats } from "../helpers/fault-annotators";
import { startFaultProxy, type FaultProxy } from "../helpers/fault-proxy";
import { seedProject, seedPrompts } from "../helpers/seed";
import { createDatabase, startTempPostgres, tempPostgresUnavailable, type TempPostgres } from "../helpers/temp-postgres";
import { withInput } from "../helpers/input";
import { submitRankingInput, nextTaskInput } from "@/lib/validation/rankings";

/** Parsed at the boundary first, as the action, route and CLI do. */
const submitRankingVia = (actor: Actor, raw: unknown) => withInput(submitRankingInput, raw, (input) => submitRanking(actor, input));
const nextTaskVia = (actor: Actor, raw: unknown) => withInput(nextTaskInput, raw, (input) => nextTask(actor, input));

const title = "database faults during submissions";
const OVERLAP = 2;

/** Anything but an expected failure (AppError: bad input, conflict, …) is the connection's fault: retry. */
const isTransient = (e: unknown) => !isAppError(e);

describe.skipIf(tempPostgresUnavailable)(tempPostgresUnavailable ? `${title} (skipped: ${tempPostgresUnavailable})` : title, () => {
  let server: TempPostgres;
  let conn: Connection | undefined;
  let url = "";
  beforeAll(async () => {
    server = await startTempPostgres();
  });
  afterAll(() => server?.cleanup());
  beforeEach(async () => {
    url = await createDatabase(server, `tl_faults_${randomUUID().slice(0, 8)}`);
  });
  afterEach(async () => {
    setConnection(undefined);
    // pool.end() waits for checked-out clients: a leaked one would hang here instead of failing the test.
    await Promise.race([conn?.close(), new Promise((r) => setTimeout(r, 10_000))]);
    conn = undefined;
  });

  async function connect(through: string, max: number) {
    conn = connectPostgres(through, { max });
    await migrateDatabase(conn);
    setConnection(conn);
  }

  it("a server crash-restarted twice mid-run: every acknowledged submission is there exactly once and the pool reconnects", async () => {
    const annotators = 8;
    const perPerson = 24;
    await connect(url, annotators + 2);
    const project = await seedProject({ slug: "faults", settings: { k: 2, overlap: OVERLAP } });
    await seedPrompts(project.id, 120, 2);
    const people: Actor[] = [];
    for (let i = 0; i < annotators; i++) people.push(await makeActor("annotator", `faultdb${i}_${randomUUID().slice(0, 4)}`));

    const stats: LoopStats = { acks: [], transientErrors: 0, errorSamples: [], done: 0 };
    const restarts: Array<{ afterAcks: number; ms: number }> = [];
    const total = annotators * perPerson;
    const chaos = (async () => {
      for (const fraction of [0.3, 0.6]) {
        while (stats.acks.length < total * fraction && stats.done < annotators) await new Promise((r) => setTimeout(r, 5));
        if (stats.done === annotators) return;
        const t0 = Date.now();
        server.restart("immediate");
        restarts.push({ afterAcks: stats.acks.length, ms: Date.now() - t0 });
      }
    })();
    await runAnnotatorLoops({
      people,
      perPerson,
      timeoutMs: 90_000,
      nextTask: (p) => nextTaskVia(p, { projectSlug: "faults" }),
      submit: (p, body) => submitRankingVia(p, body),
      isTransient,
      stats,
    });
    await chaos;

    expect(restarts, "both restarts happened while annotators were working").toHaveLength(2);
    // The crash must have hit calls in flight, or this test proved nothing about them.
    expect(stats.transientErrors, "calls failed during the restarts").toBeGreaterThan(0);
    expect(stats.acks).toHaveLength(total);
    expect(stats.acks.length - restarts[1].afterAcks, "submissions acknowledged after the second restart (reconnected)").toBeGreaterThan(0);

    const { problems, rankings } = await verifyAcknowledged(url, stats.acks, OVERLAP);
    expect(problems).toEqual([]);
    expect(rankings).toBe(total);
    // Every client went back to the pool: failed transactions leaked none.
    const pool = conn!.pool!;
    expect({ checkedOut: pool.totalCount - pool.idleCount, waiting: pool.waitingCount }).toEqual({ checkedOut: 0, waiting: 0 });

    // Every client now retries every submission with its key: same answers, no new rows.
    const byId = new Map(people.map((p) => [p.id, p]));
    for (const a of stats.acks) {
      const again = await submitRankingVia(byId.get(a.annotatorId)!, { assignmentId: a.assignmentId, order: [[randomUUID()]], idempotencyKey: a.key });
      expect(again).toEqual({ rankingId: a.rankingId, promptId: a.promptId, duplicate: true });
    }
    expect((await verifyAcknowledged(url, stats.acks, OVERLAP)).rankings).toBe(total);
    console.info(`[faults-db] restarts ${JSON.stringify(restarts)}, transient errors ${stats.transientErrors}, retried submissions ${stats.acks.filter((a) => a.attempts > 1).length} (of which committed before the failure: ${stats.acks.filter((a) => a.attempts > 1 && a.duplicate).length}); samples: ${stats.errorSamples.slice(0, 4).join(" | ")}`);
  });

  describe("lost commit acknowledgements", () => {
    let proxy: FaultProxy;
    beforeEach(async () => {
      proxy = await startFaultProxy({ host: "127.0.0.1", port: server.port });
    });
    afterEach(async () => {
      await proxy?.close();
    });

    it("a submission committed but never acknowledged is retried with its key: one ranking, answered as a duplicate", async () => {
      await connect(proxy.urlThrough(url), 4);
      const project = await seedProject({ slug: "acks", settings: { k: 2, overlap: OVERLAP } });
      await seedPrompts(project.id, 3, 2);
      const ann = await makeActor("annotator", `lostack_${randomUUID().slice(0, 4)}`);
      const task = (await nextTaskVia(ann, { projectSlug: "acks" }))!;
      const body = { assignmentId: task.assignmentId, order: task.outputs.map((o) => [o.id]), idempotencyKey: randomUUID() };

      proxy.dropCommitAcks(1);
      const first = await submitRankingVia(ann, body).then(
        () => null,
        (e: unknown) => e as Error,
      );
      expect(proxy.dropped()).toBe(1);
      expect(first, "the client saw the submission fail").toBeInstanceOf(Error);
      expect(isAppError(first)).toBe(false);

      // The commit went through although the client never heard so; the retry must find it, not add a second.
      const retry = await submitRankingVia(ann, body);
      expect(retry.duplicate).toBe(true);
      const { problems, rankings } = await verifyAcknowledged(url, [{ annotatorId: ann.id, key: body.idempotencyKey, assignmentId: body.assignmentId, ...retry, attempts: 2, at: Date.now() }], OVERLAP);
      expect(problems).toEqual([]);
      expect(rankings).toBe(1);
      // The pool replaced the cut connection: ordinary work goes on.
      expect(await nextTaskVia(ann, { projectSlug: "acks" })).not.toBeNull();
    });

    it("transactions whose BEGIN dies with the connection give their pool slot back (no leak, no hang)", async () => {
      await connect(proxy.urlThrough(url), 2);
      const project = await seedProject({ slug: "begins", settings: { k: 2, overlap: OVERLAP } });
      await seedPrompts(project.id, 5, 2);
      const ann = await makeActor("annotator", `lostbegin_${randomUUID().slice(0, 4)}`);
      // Twice the pool's size: a leaked client per failed BEGIN would leave the next call waiting forever.
      for (let i = 0; i < 4; i++) {
        proxy.cutAtBegin(1);
        const outcome = await Promise.race([
          nextTaskVia(ann, { projectSlug: "begins" }).then(() => "succeeded", () => "failed"),
          new Promise((r) => setTimeout(() => r("hung: no free pool client"), 10_000)),
        ]);
        expect(outcome, `call ${i + 1}`).toBe("failed");
      }
      expect(proxy.cutBegins()).toBe(4);
      const pool = conn!.pool!;
      await new Promise((r) => setTimeout(r, 50));
      expect({ checkedOut: pool.totalCount - pool.idleCount, waiting: pool.waitingCount }).toEqual({ checkedOut: 0, waiting: 0 });
      const task = await Promise.race([nextTaskVia(ann, { projectSlug: "begins" }), new Promise((r) => setTimeout(() => r("hung: no free pool client"), 10_000))]);
      expect(task).toMatchObject({ projectSlug: "begins" });
    });

    it("a lease committed but never acknowledged is handed back on retry, not a second lease", async () => {
      await connect(proxy.urlThrough(url), 4);
      const project = await seedProject({ slug: "leases", settings: { k: 2, overlap: OVERLAP } });
      await seedPrompts(project.id, 5, 2);
      const ann = await makeActor("annotator", `lostlease_${randomUUID().slice(0, 4)}`);
      proxy.dropCommitAcks(1);
      await expect(nextTaskVia(ann, { projectSlug: "leases" })).rejects.toThrow();
      expect(proxy.dropped()).toBe(1);
      const task = (await nextTaskVia(ann, { projectSlug: "leases" }))!;
      const c = conn!.pool!;
      const { rows } = await c.query("select id from assignments where user_id = $1", [ann.id]);
      expect(rows.map((r) => r.id)).toEqual([task.assignmentId]);
    });
  });
});
