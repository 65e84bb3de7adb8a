// The web app SIGKILLed while annotators submit over HTTP: `next start` on a throwaway PostgreSQL is killed mid-run
// and started again; clients retry with the same idempotency key. Acknowledged ⇒ in the database exactly once.
import { randomUUID } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { connectPostgres, setConnection, type Connection } from "@/db/client";
import { migrateDatabase } from "@/db/migrate";
import { addUser } from "@/lib/auth/accounts";
import { buildMissingReason, HttpError, isTransientHttp, signIn, startAppProcess, type AppProcess, type Session } from "../helpers/fault-app";
import { runAnnotatorLoops, verifyAcknowledged, type LoopStats, type RankingBody, type Submitted, type Task } from "../helpers/fault-annotators";
import { seedProject, seedPrompts } from "../helpers/seed";
import { createDatabase, startTempPostgres, tempPostgresUnavailable, type TempPostgres } from "../helpers/temp-postgres";

const title = "app killed with SIGKILL during submissions";
const skipReason = tempPostgresUnavailable ?? buildMissingReason(["/api/v1/projects/[slug]/tasks/next", "/api/v1/tasks/[id]/ranking"]);
const OVERLAP = 2;
const PASSWORD = "fault test password 1";

async function nextTaskOver(s: Session): Promise<Task | null> {
  const res = await s.post("/api/v1/projects/faults/tasks/next");
  if (res.status !== 200) throw new HttpError(res.status, res.body);
  return res.body.task;
}

async function submitOver(s: Session, body: RankingBody): Promise<Submitted> {
  const { assignmentId, ...ranking } = body;
  const res = await s.post(`/api/v1/tasks/${assignmentId}/ranking`, ranking);
  if (res.status !== 200 && res.status !== 201) throw new HttpError(res.status, res.body);
  // 201 for a new ranking, 200 for a retry; a mismatch is an answer, not a transient failure.
  if ((res.status === 201) === res.body.duplicate) throw new HttpError(res.status, { ...res.body, problem: "status disagrees with duplicate" });
  return res.body;
}

describe.skipIf(skipReason)(skipReason ? `${title} (skipped: ${skipReason})` : title, () => {
  let server: TempPostgres;
  let conn: Connection | undefined;
  let app: AppProcess | undefined;
  let url = "";
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "tl-faults-app-"));
  beforeAll(async () => {
    server = await startTempPostgres();
    url = await createDatabase(server, `tl_faults_app`);
    conn = connectPostgres(url, { max: 2 });
    await migrateDatabase(conn);
    setConnection(conn);
  });
  afterAll(async () => {
    await app?.kill("SIGKILL");
    setConnection(undefined);
    await conn?.close();
    server?.cleanup();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it("acknowledged submissions survive a SIGKILL of the app exactly once; retries with the same key add nothing", async () => {
    const annotators = 6;
    const perPerson = 20;
    const project = await seedProject({ slug: "faults", settings: { k: 2, overlap: OVERLAP } });
    await seedPrompts(project.id, 100, 2);
    const users = [];
    for (let i = 0; i < annotators; i++) users.push(await addUser({ email: `killed${i}@example.test`, role: "annotator", password: PASSWORD }));

    app = await startAppProcess({ databaseUrl: url, dataDir });
    const sessions = new Map<string, Session>();
    for (const u of users) sessions.set(u.id, await signIn(app.baseUrl, u.email, PASSWORD));

    const stats: LoopStats = { acks: [], transientErrors: 0, errorSamples: [], done: 0 };
    const total = annotators * perPerson;
    const kills: Array<{ afterAcks: number; downMs: number }> = [];
    const chaos = (async () => {
      while (stats.acks.length < total * 0.35 && stats.done < annotators) await new Promise((r) => setTimeout(r, 5));
      if (stats.done === annotators) return;
      const t0 = Date.now();
      const afterAcks = stats.acks.length;
      await app.kill("SIGKILL");
      await app.restart();
      kills.push({ afterAcks, downMs: Date.now() - t0 });
    })();
    await runAnnotatorLoops({
      people: users,
      perPerson,
      timeoutMs: 240_000,
      nextTask: (u) => nextTaskOver(sessions.get(u.id)!),
      submit: (u, body) => submitOver(sessions.get(u.id)!, body),
      isTransient: isTransientHttp,
      stats,
    });
    await chaos;

    expect(kills, "the app was killed while annotators were working").toHaveLength(1);
    expect(stats.transientErrors, "requests failed while the app was down").toBeGreaterThan(0);
    expect(stats.acks).toHaveLength(total);
    expect(stats.acks.length - kills[0].afterAcks, "acknowledged after the restart (same session cookies)").toBeGreaterThan(0);

    const { problems, rankings } = await verifyAcknowledged(url, stats.acks, OVERLAP);
    expect(problems).toEqual([]);
    expect(rankings).toBe(total);

    // Every client retries every submission with its key: the same answer, no new row.
    for (const a of stats.acks) {
      const again = await submitOver(sessions.get(a.annotatorId)!, { assignmentId: a.assignmentId, order: [[randomUUID()]], idempotencyKey: a.key });
      expect(again).toEqual({ rankingId: a.rankingId, promptId: a.promptId, duplicate: true });
    }
    expect((await verifyAcknowledged(url, stats.acks, OVERLAP)).rankings).toBe(total);
    expect(app.logs()).not.toMatch(/unexpected error|action failed/);
    console.info(`[faults-app] kills ${JSON.stringify(kills)}, transient errors ${stats.transientErrors}, retried submissions ${stats.acks.filter((a) => a.attempts > 1).length} (committed before the kill: ${stats.acks.filter((a) => a.attempts > 1 && a.duplicate).length}); samples: ${stats.errorSamples.slice(0, 3).join(" | ")}`);
  }, 420_000);
});
