// Benchmark: 64 signed-in annotators looping next task → submit over HTTP against `next start`, beside the same
// database work (lib nextTask/submitRanking on a pg pool of the app's size) at the same concurrency in the same run.
// The saturation test: clients in a closed loop with no think time. Targets: ≥ 50% of the direct rate, zero errors;
// afterwards every prompt holds at most its overlap and every acknowledged submission is in the database exactly once.
// p99 at saturation is reported, not a target: a closed loop of 64 clients at p99 < 100 ms needs > 640 req/s (Little's
// law). How many annotators with think time the app holds at p99 < 100 ms is `bench -- load`. Needs a build.
import { randomUUID } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { sql } from "drizzle-orm";
import type { Connection } from "@/db/client";
import { hashPassword } from "@/lib/auth/password";
import type { Actor } from "@/lib/auth/roles";
import { submitRanking } from "@/lib/rankings/submit";
import { nextTask } from "@/lib/rankings/tasks";
import { buildMissingReason, signIn, startAppProcess, type AppProcess, type Session } from "../helpers/fault-app";
import { verifyAcknowledged, type Ack } from "../helpers/fault-annotators";
import { report, summarize } from "./common";
import { withScratchDatabase } from "./scratch-db";
import { withInput } from "../helpers/input";
import { submitRankingInput, nextTaskInput } from "@/lib/validation/rankings";

/** Parsed at the boundary first, as the action, route and CLI do. */
const submitRankingVia = (actor: Actor, raw: unknown) => withInput(submitRankingInput, raw, (input) => submitRanking(actor, input));
const nextTaskVia = (actor: Actor, raw: unknown) => withInput(nextTaskInput, raw, (input) => nextTask(actor, input));

const PROMPTS = Number(process.env.BENCH_PROMPTS ?? 100_000);
const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 6400);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 64);
/** The app's own pool size (connectPostgres' default), so both sides get the same connections. */
const POOL = 10;
const OVERLAP = 3;
const PASSWORD = "bench password 1";

const missing = buildMissingReason(["/api/v1/projects/[slug]/tasks/next", "/api/v1/tasks/[id]/ranking"]);
if (missing) {
  console.error(`bench api: ${missing}`);
  process.exit(2);
}

/** Two projects of PROMPTS prompts × 4 completions: one for HTTP, one for the direct baseline. */
async function seed(conn: Connection) {
  for (const slug of ["bench-http", "bench-direct"]) {
    const [project] = (
      await conn.db.execute(sql`insert into projects (slug, name, categories, settings)
        values (${slug}, ${slug}, '["open QA"]', ${JSON.stringify({ k: 4, overlap: OVERLAP, agreementThreshold: 0.5, goldRate: 0, reviseHours: 24, leaseMinutes: 30 })}::jsonb) returning id`)
    ).rows as Array<{ id: string }>;
    await conn.db.execute(sql`insert into prompts (project_id, instruction, source, status, created_at)
      select ${project.id}, 'Question ' || g || ' about ' || md5(g::text), 'import', 'approved', now() - (g || ' seconds')::interval from generate_series(1, ${PROMPTS}) g`);
    await conn.db.execute(sql`insert into completions (prompt_id, text, source, generator)
      select p.id, 'Answer ' || k || ': ' || md5(p.id::text || k), 'model', 'm' || k from prompts p cross join generate_series(1, 4) k where p.project_id = ${project.id}`);
  }
  // One hash for everyone: 2 × CONCURRENCY argon2 hashes would only time the seeding.
  const hash = await hashPassword(PASSWORD);
  const users = (
    await conn.db.execute(sql`insert into users (email, name, role, password_hash)
      select 'bench' || g || '@bench.test', 'bench' || g, 'annotator', ${hash} from generate_series(1, ${2 * CONCURRENCY}) g returning id, email, name`)
  ).rows as Array<{ id: string; email: string; name: string }>;
  await conn.db.execute(sql`analyze`);
  return users.map((u): Actor => ({ id: u.id, email: u.email, name: u.name, role: "annotator", via: "session" }));
}

type Outcome = { rate: number; seconds: number; latencyMs: ReturnType<typeof summarize>; errors: number; errorSamples: string[]; submissions: number; acks: Ack[] };

/** CONCURRENCY loops of next task → submit until REQUESTS calls were made; each call timed on its own. */
async function drive<P>(people: P[], idOf: (p: P) => string, call: { next(p: P): Promise<{ assignmentId: string; outputs: Array<{ id: string }> } | null>; submit(p: P, body: { assignmentId: string; order: string[][]; idempotencyKey: string }): Promise<{ rankingId: string; promptId: string; duplicate: boolean }> }): Promise<Outcome> {
  const times: number[] = [];
  const acks: Ack[] = [];
  const errorSamples: string[] = [];
  let errors = 0;
  let left = REQUESTS;
  const timed = async <T>(fn: () => Promise<T>): Promise<T | undefined> => {
    const t0 = performance.now();
    try {
      return await fn();
    } catch (e) {
      errors += 1;
      if (errorSamples.length < 5) errorSamples.push(String((e as Error).message).slice(0, 200));
      return undefined;
    } finally {
      times.push(performance.now() - t0);
    }
  };
  const t0 = performance.now();
  await Promise.all(
    people.map(async (p) => {
      while (left > 0) {
        left -= 1;
        const task = await timed(() => call.next(p));
        if (!task) continue;
        if (left <= 0) return;
        left -= 1;
        const body = { assignmentId: task.assignmentId, order: task.outputs.map((o) => [o.id]), idempotencyKey: randomUUID() };
        const done = await timed(() => call.submit(p, body));
        if (done) acks.push({ annotatorId: idOf(p), key: body.idempotencyKey, assignmentId: body.assignmentId, ...done, attempts: 1, at: Date.now() });
      }
    }),
  );
  const seconds = (performance.now() - t0) / 1000;
  return { rate: times.length / seconds, seconds, latencyMs: summarize(times), errors, errorSamples, submissions: acks.length, acks };
}

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "tl-bench-api-"));
let app: AppProcess | undefined;
await withScratchDatabase({ pool: POOL }, async (conn, dbUrl) => {
  try {
    const s0 = Date.now();
    const people = await seed(conn);
    const seedSeconds = (Date.now() - s0) / 1000;
    const httpPeople = people.slice(0, CONCURRENCY);
    const directPeople = people.slice(CONCURRENCY);

    // Baseline first: the same lib calls on a pool of the app's size, with the app not yet running.
    const direct = await drive(directPeople, (p) => p.id, {
      next: (p) => nextTaskVia(p, { projectSlug: "bench-direct" }),
      submit: (p, body) => submitRankingVia(p, body),
    });

    app = await startAppProcess({ databaseUrl: dbUrl, dataDir });
    const sessions: Array<{ id: string; s: Session }> = [];
    for (const p of httpPeople) sessions.push({ id: p.id, s: await signIn(app.baseUrl, p.email, PASSWORD) });
    const expectOk = (res: { status: number; body: any }, ok: number[]) => {
      if (!ok.includes(res.status)) throw new Error(`HTTP ${res.status}: ${JSON.stringify(res.body).slice(0, 160)}`);
      return res.body;
    };
    const httpCalls = {
      next: async (p: { id: string; s: Session }) => expectOk(await p.s.post("/api/v1/projects/bench-http/tasks/next"), [200]).task,
      submit: async (p: { id: string; s: Session }, body: { assignmentId: string; order: string[][]; idempotencyKey: string }) => {
        const { assignmentId, ...ranking } = body;
        return expectOk(await p.s.post(`/api/v1/tasks/${assignmentId}/ranking`, ranking), [201]);
      },
    };
    // A short warm-up (first requests compile routes and fill caches), not counted.
    await Promise.all(sessions.slice(0, 4).map((p) => httpCalls.next(p)));
    const http = await drive(sessions, (p) => p.id, httpCalls);

    const check = await verifyAcknowledged(dbUrl, [...direct.acks, ...http.acks], OVERLAP);
    const overOverlap = check.problems.filter((p) => p.startsWith("prompt ")).length;
    const ackProblems = check.problems.length - overOverlap;
    const ratio = http.rate / direct.rate;
    const strip = ({ acks: _, ...o }: Outcome) => o;
    report({
      bench: "api",
      figures: {
        http: strip(http),
        requests: REQUESTS,
        concurrency: CONCURRENCY,
        prompts: PROMPTS,
        appPool: POOL,
        seedSeconds,
        checks: { promptsOverOverlap: overOverlap, acknowledgedNotExactlyOnce: ackProblems, rankingsInDatabase: check.rankings, acknowledged: direct.acks.length + http.acks.length, problemSamples: check.problems.slice(0, 3) },
      },
      baseline: { direct: strip(direct) },
      ratio,
      targets: { ratio: 0.5, errors: 0, promptsOverOverlap: 0, acknowledgedNotExactlyOnce: 0 },
      met: {
        ratio: ratio >= 0.5,
        errors: http.errors === 0,
        promptsOverOverlap: overOverlap === 0,
        acknowledgedNotExactlyOnce: ackProblems === 0 && check.rankings === direct.acks.length + http.acks.length,
      },
    });
  } finally {
    // The app goes before its database does.
    await app?.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
});
