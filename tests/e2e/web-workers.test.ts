// `tuneloop serve --workers 2` on PostgreSQL: two `next start` processes behind one port (Node's cluster module). One
// is SIGKILLed while annotators submit over HTTP: it is replaced, the other keeps serving, the session cookies signed
// before stay valid (one shared secret), and every acknowledged submission is in the database exactly once (90 of them).
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { afterAll, describe, expect, it } from "vitest";
import { connectPostgres, setConnection, type Connection } from "@/db/client";
import { migrateDatabase } from "@/db/migrate";
import { addUser } from "@/lib/auth/accounts";
import { buildMissingReason, HttpError, isTransientHttp, signIn, startAppProcess, type AppProcess, type Session } from "../helpers/fault-app";
import { runAnnotatorLoops, verifyAcknowledged, type LoopStats, type RankingBody, type Submitted, type Task } from "../helpers/fault-annotators";
import { testDatabaseUrl } from "../helpers/db";
import { seedProject, seedPrompts } from "../helpers/seed";
import { skipBecause } from "../helpers/skip";

const OVERLAP = 2;
const PASSWORD = "workers test password 1";
const buildMissing = buildMissingReason(["/api/v1/projects/[slug]/tasks/next", "/api/v1/tasks/[id]/ranking"]);
const name = `tl_workers_${process.pid}_${randomBytes(4).toString("hex")}`;
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "tl-web-workers-"));
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** On the server's own database: the e2e project has no global set-up that makes TEST_DATABASE_URL's. */
async function admin(statement: string) {
  const u = new URL(testDatabaseUrl!);
  u.pathname = "/postgres";
  const c = new pg.Client({ connectionString: u.toString() });
  await c.connect();
  try {
    await c.query(statement);
  } finally {
    await c.end();
  }
}

async function nextTaskOver(s: Session): Promise<Task | null> {
  const res = await s.post("/api/v1/projects/workers/tasks/next");
  if (res.status !== 200) throw new HttpError(res.status, res.body);
  return res.body.task;
}

async function submitOver(s: Session, body: RankingBody): Promise<Submitted> {
  const { assignmentId, ...ranking } = body;
  const res = await s.post(`/api/v1/tasks/${assignmentId}/ranking`, ranking);
  if (res.status !== 200 && res.status !== 201) throw new HttpError(res.status, res.body);
  return res.body;
}

/** The pids the primary reported listening, in order. */
function listeningPids(app: AppProcess): number[] {
  return [...app.logs().matchAll(/web process (\d+) listening/g)].map((m) => Number(m[1]));
}

async function until(what: string, cond: () => boolean, ms: number) {
  for (const t0 = Date.now(); !cond(); await sleep(50)) if (Date.now() - t0 > ms) throw new Error(`timed out waiting for ${what}`);
}

let app: AppProcess | undefined;
let conn: Connection | undefined;
afterAll(async () => {
  await app?.kill("SIGKILL");
  setConnection(undefined);
  await conn?.close();
  fs.rmSync(dataDir, { recursive: true, force: true });
  if (testDatabaseUrl) await admin(`drop database if exists ${name} with (force)`);
});

describe("two web processes behind one port", () => {
  it("a web process SIGKILLed mid-load is replaced while the other serves; acknowledged submissions are kept exactly once", async (ctx) => {
    if (!testDatabaseUrl) skipBecause(ctx, "PostgreSQL only: TEST_DATABASE_URL is not set (one process owns the embedded database, so --workers 2 is refused there)");
    if (buildMissing) skipBecause(ctx, buildMissing);
    await admin(`create database ${name}`);
    const u = new URL(testDatabaseUrl);
    u.pathname = `/${name}`;
    const url = u.toString();
    conn = connectPostgres(url, { max: 2 });
    await migrateDatabase(conn);
    setConnection(conn);

    const annotators = 6;
    const perPerson = 15;
    const project = await seedProject({ slug: "workers", settings: { k: 2, overlap: OVERLAP } });
    await seedPrompts(project.id, 120, 2);
    const users = [];
    for (let i = 0; i < annotators; i++) users.push(await addUser({ email: `worker${i}@example.test`, role: "annotator", password: PASSWORD }));

    // No AUTH_SECRET given: the primary reads (or makes) the data folder's and hands it to both workers.
    app = await startAppProcess({ databaseUrl: url, dataDir, serveArgs: ["--workers", "2"], env: { AUTH_SECRET: undefined } });
    await until("both web processes listening", () => listeningPids(app!).length >= 2, 120_000);
    const [victim, survivor] = listeningPids(app);
    const sessions = new Map<string, Session>();
    for (const u of users) sessions.set(u.id, await signIn(app.baseUrl, u.email, PASSWORD));

    const stats: LoopStats = { acks: [], transientErrors: 0, errorSamples: [], done: 0 };
    const total = annotators * perPerson;
    let killedAt = -1;
    let replacedAt = -1;
    let replacement = 0;
    const chaos = (async () => {
      while (stats.acks.length < total * 0.3 && stats.done < annotators) await sleep(5);
      if (stats.done === annotators) return;
      killedAt = stats.acks.length;
      process.kill(victim, "SIGKILL");
      await until("a replacement web process", () => listeningPids(app!).length >= 3, 120_000);
      replacement = listeningPids(app)[2];
      replacedAt = stats.acks.length;
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

    expect(killedAt, "the web process was killed while annotators were working").toBeGreaterThan(0);
    expect(app.logs()).toMatch(new RegExp(`web process ${victim} exited \\(SIGKILL\\); starting another`));
    expect(replacement).not.toBe(victim);
    expect(replacement).not.toBe(survivor);
    expect(() => process.kill(survivor, 0), "the other web process is still running").not.toThrow();
    expect(stats.acks.length - killedAt, "acknowledged after the kill").toBeGreaterThan(0);
    expect(stats.acks).toHaveLength(total);
    const { problems, rankings } = await verifyAcknowledged(url, stats.acks, OVERLAP);
    expect(problems).toEqual([]);
    expect(rankings).toBe(total);

    // Both processes (the survivor and the replacement) answer sessions signed before the kill.
    const answered = await Promise.all(users.map((u) => sessions.get(u.id)!.post("/api/v1/projects/workers/tasks/next")));
    expect(answered.map((r) => r.status)).toEqual(users.map(() => 200));
    expect(app.logs()).not.toMatch(/unexpected error|action failed/);
    console.info(`[web-workers] killed ${victim} after ${killedAt} acks; replacement ${replacement} listening after ${replacedAt}; transient errors ${stats.transientErrors}; samples: ${stats.errorSamples.slice(0, 3).join(" | ")}`);
  }, 420_000);
});
