// Benchmark: how many annotators one machine holds. Open-loop simulated annotators, each signed in once, loop next task →
// think (exponential, mean --think-s) → submit, with an occasional rank-page load (its HTML; the task it then fetches is
// the next-task call). Think time starts when an answer arrives; no annotator waits on another's answers. Steps of
// annotators (--steps, then doubling up to --cap) run --step-s seconds each (longer until next task has --min-samples
// calls) until a step breaks (p99 ≥ 100 ms on an operation, or any error). Series: the same simulation straight on lib/
// over `pg` (the baseline), the built app on PostgreSQL with 1 and 2 web processes (`tuneloop serve --workers N`), and
// the built app on the embedded PGlite.
// Figure per series: the largest step that held. Ratio: held over HTTP (1 web process) ÷ held direct. Afterwards, as in
// `bench -- api`: every acknowledged submission is in the database once and no prompt is over its overlap.
// Needs a build (`npx next build`, or NEXT_DIST_DIR=… for another folder).
import { randomUUID } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { sql } from "drizzle-orm";
import { z } from "zod";
import { connectPglite, setConnection, type Connection } from "@/db/client";
import { migrateDatabase } from "@/db/migrate";
import { hashPassword } from "@/lib/auth/password";
import type { Actor } from "@/lib/auth/roles";
import { getProjectBySlug } from "@/lib/projects/projects";
import { submitRanking } from "@/lib/rankings/submit";
import { nextTask } from "@/lib/rankings/tasks";
import { nextTaskInput, submitRankingInput } from "@/lib/validation/rankings";
import { buildMissingReason, signIn, startAppProcess, type AppProcess, type Session } from "../helpers/fault-app";
import { verifyAcknowledged, type Ack } from "../helpers/fault-annotators";
import { withInput } from "../helpers/input";
import { freePort } from "../helpers/net";
import { report, summarize } from "./common";
import { withScratchDatabase } from "./scratch-db";

const flags = z
  .object({
    "think-s": z.coerce.number().positive().default(30),
    "step-s": z.coerce.number().positive().default(120),
    steps: z
      .string()
      .default("100,250,500,1000,2000")
      .transform((s) => s.split(",").map(Number))
      .pipe(z.array(z.number().int().positive()).min(1)),
    cap: z.coerce.number().int().positive().default(8000),
    "page-rate": z.coerce.number().min(0).max(1).default(0.1),
    /** a step runs past step-s until next task has this many calls (at most 10 × step-s), so its p99 is not just its slowest call */
    "min-samples": z.coerce.number().int().min(1).default(100),
    series: z
      .string()
      .default("direct,http1,http2,pglite")
      .transform((s) => s.split(","))
      .pipe(z.array(z.enum(["direct", "http1", "http2", "pglite"])).min(1)),
    json: z.boolean().optional(),
  })
  .strict();
const parsed = flags.safeParse(
  parseArgs({ args: process.argv.slice(2), options: { "think-s": { type: "string" }, "step-s": { type: "string" }, steps: { type: "string" }, cap: { type: "string" }, "page-rate": { type: "string" }, "min-samples": { type: "string" }, series: { type: "string" }, json: { type: "boolean" } } }).values,
);
if (!parsed.success) {
  console.error(`bench load: ${parsed.error.issues.map((i) => `--${i.path.join(".")}: ${i.message}`).join("; ")}`);
  process.exit(2);
}
const opts = parsed.data;
const P99_MS = 100;
const POOL = 10; // the app's pool per web process (connectPostgres' default)
const OVERLAP = 3;
const PASSWORD = "bench password 1";

const missing = buildMissingReason(["/api/v1/projects/[slug]/tasks/next", "/api/v1/tasks/[id]/ranking", "/annotate/[slug]/rank"]);
if (missing) {
  console.error(`bench load: ${missing}`);
  process.exit(2);
}

/** 100, 250, … as given, then doubling up to the cap. */
function stepList(): number[] {
  const out = opts.steps.filter((n) => n <= opts.cap);
  for (let n = (out.at(-1) ?? 100) * 2; n <= opts.cap; n *= 2) out.push(n);
  return out;
}
const STEPS = stepList();
/** Enough prompts that no step runs the queue dry: every annotator finishes about step-s / think-s tasks a step. */
const PROMPTS = Math.ceil((STEPS.reduce((a, n) => a + n, 0) * (opts["step-s"] / opts["think-s"] + 2) * 1.5) / OVERLAP) + 1000;
const USERS = STEPS.at(-1)!;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** Thinks under way per stop signal: one abort listener ends them all. */
const thinking = new WeakMap<AbortSignal, Set<() => void>>();
/**
 * A think that ends early when the series stops (an exponential's tail would otherwise hold the series for minutes).
 * One listener per signal, not one per think: listeners left behind piled up (one per think), and each
 * addEventListener walks the list, about a tenth of the generator's CPU at 1,000 annotators.
 */
const sleepUnless = (ms: number, stop: AbortSignal) =>
  new Promise<void>((r) => {
    if (stop.aborted) return r();
    let ends = thinking.get(stop);
    if (!ends) {
      const all = new Set<() => void>();
      thinking.set(stop, (ends = all));
      stop.addEventListener("abort", () => all.forEach((end) => end()), { once: true });
    }
    const mine = ends;
    const end = () => (clearTimeout(t), mine.delete(end), r());
    const t = setTimeout(end, ms);
    mine.add(end);
  });
/** Exponentially distributed think time in ms, mean think-s. */
const think = () => -Math.log(1 - Math.random()) * opts["think-s"] * 1000;

async function seedProject(conn: Connection, slug: string, prompts: number) {
  const [project] = (
    await conn.db.execute(sql`insert into projects (slug, name, categories, settings)
      values (${slug}, ${slug}, '["open QA"]', ${JSON.stringify({ k: 4, overlap: OVERLAP, agreementThreshold: 0.5, goldRate: 0, reviseHours: 24, leaseMinutes: 30 })}::jsonb) returning id`)
  ).rows as Array<{ id: string }>;
  await conn.db.execute(sql`insert into prompts (project_id, instruction, source, status, created_at)
    select ${project.id}, 'Question ' || g || ' about ' || md5(g::text), 'import', 'approved', now() - (g || ' seconds')::interval from generate_series(1, ${prompts}) g`);
  await conn.db.execute(sql`insert into completions (prompt_id, text, source, generator)
    select p.id, 'Answer ' || k || ': ' || md5(p.id::text || k), 'model', 'm' || k from prompts p cross join generate_series(1, 4) k where p.project_id = ${project.id}`);
}

/** n annotators sharing one password hash (n argon2 hashes would only time the seeding). */
async function seedUsers(conn: Connection, n: number): Promise<Actor[]> {
  const hash = await hashPassword(PASSWORD);
  const rows = (
    await conn.db.execute(sql`insert into users (email, name, role, password_hash)
      select 'load' || g || '@bench.test', 'load' || g, 'annotator', ${hash} from generate_series(1, ${n}) g returning id, email, name`)
  ).rows as Array<{ id: string; email: string; name: string }>;
  await conn.db.execute(sql`analyze`);
  return rows.map((u): Actor => ({ id: u.id, email: u.email, name: u.name, role: "annotator", via: "session" }));
}

type Task = { assignmentId: string; outputs: Array<{ id: string }> };
type Done = { rankingId: string; promptId: string; duplicate: boolean };
/** One way of reaching the app: a person handle per annotator and the three operations. */
type Target<P> = {
  prepare(actor: Actor): Promise<P>;
  next(p: P): Promise<Task | null>;
  submit(p: P, body: { assignmentId: string; order: string[][]; idempotencyKey: string }): Promise<Done>;
  page(p: P): Promise<void>;
};
type Op = "nextTask" | "submit" | "rankPage";
type StepResult = { annotators: number; seconds: number; loadAverage1m: number; requestsPerS: number; ops: Record<Op, ReturnType<typeof summarize>>; errors: number; errorSamples: string[]; held: boolean };
type SeriesResult = { held: number; steps: StepResult[]; signInMs?: ReturnType<typeof summarize>; checks?: Record<string, unknown> };

/** Runs the steps on one target; annotators join as steps grow and keep working until the series ends. */
async function runSeries<P>(label: string, people: Actor[], target: Target<P>): Promise<{ result: SeriesResult; acks: Ack[] }> {
  const acks: Ack[] = [];
  const stop = new AbortController();
  let stopped = false;
  // Samples go to the step whose window the call started in; calls outside any window (sign-ins) are not counted.
  let window: { times: Record<Op, number[]>; errors: number; errorSamples: string[] } | null = null;
  const timed = async <T>(op: Op, fn: () => Promise<T>): Promise<T | undefined> => {
    const w = window;
    const t0 = performance.now();
    try {
      return await fn();
    } catch (e) {
      if (w) {
        w.errors += 1;
        if (w.errorSamples.length < 5) w.errorSamples.push(`${op}: ${String((e as Error).message).slice(0, 160)}`);
      }
      return undefined;
    } finally {
      w?.times[op].push(performance.now() - t0);
    }
  };
  const loop = async (actor: Actor, p: P) => {
    // Memoryless think time: a joining annotator's first wait has the same law as a working one's.
    await sleepUnless(think(), stop.signal);
    while (!stopped) {
      if (Math.random() < opts["page-rate"]) await timed("rankPage", () => target.page(p));
      const task = await timed("nextTask", async () => {
        const t = await target.next(p);
        if (!t) throw new Error("no task left (the queue ran dry)");
        return t;
      });
      await sleepUnless(think(), stop.signal);
      if (!task || stopped) continue;
      const body = { assignmentId: task.assignmentId, order: task.outputs.map((o) => [o.id]), idempotencyKey: randomUUID() };
      const done = await timed("submit", () => target.submit(p, body));
      if (done) acks.push({ annotatorId: actor.id, key: body.idempotencyKey, assignmentId: body.assignmentId, ...done, attempts: 1, at: Date.now() });
    }
  };
  const loops: Array<Promise<void>> = [];
  const signInTimes: number[] = [];
  const steps: StepResult[] = [];
  let joined = 0;
  for (const n of STEPS) {
    // Sign the newcomers in (four at a time), outside the measured window.
    const newcomers = people.slice(joined, n);
    for (let i = 0; i < newcomers.length; i += 4) {
      await Promise.all(
        newcomers.slice(i, i + 4).map(async (a) => {
          const t0 = performance.now();
          const p = await target.prepare(a);
          signInTimes.push(performance.now() - t0);
          loops.push(loop(a, p));
        }),
      );
    }
    joined = n;
    window = { times: { nextTask: [], submit: [], rankPage: [] }, errors: 0, errorSamples: [] };
    const w = window;
    const t0 = performance.now();
    await sleep(opts["step-s"] * 1000);
    while (w.times.nextTask.length < opts["min-samples"] && performance.now() - t0 < opts["step-s"] * 10_000) await sleep(500);
    window = null;
    const seconds = (performance.now() - t0) / 1000;
    const ops = { nextTask: summarize(w.times.nextTask), submit: summarize(w.times.submit), rankPage: summarize(w.times.rankPage) };
    const held = w.errors === 0 && Object.values(ops).every((o) => o.n === 0 || o.p99 < P99_MS);
    const requests = Object.values(ops).reduce((a, o) => a + o.n, 0);
    // The machine's 1-minute load average at the step's end: on a shared machine the neighbours' share of the cores.
    steps.push({ annotators: n, seconds, loadAverage1m: os.loadavg()[0], requestsPerS: requests / seconds, ops, errors: w.errors, errorSamples: w.errorSamples, held });
    const r = (x: number) => Math.round(x);
    console.log(`[load ${label}] ${n} annotators: ${(requests / seconds).toFixed(1)} req/s, next p50/p95/p99 ${r(ops.nextTask.p50)}/${r(ops.nextTask.p95)}/${r(ops.nextTask.p99)} ms, submit ${r(ops.submit.p50)}/${r(ops.submit.p95)}/${r(ops.submit.p99)} ms, page ${r(ops.rankPage.p50)}/${r(ops.rankPage.p95)}/${r(ops.rankPage.p99)} ms, errors ${w.errors}, load average ${os.loadavg()[0].toFixed(1)}${held ? "" : "  ← broke"}`);
    if (!held) break;
  }
  stopped = true;
  stop.abort();
  await Promise.all(loops);
  const held = steps.filter((s) => s.held).at(-1)?.annotators ?? 0;
  return { result: { held, steps, ...(label === "direct" ? {} : { signInMs: summarize(signInTimes) }) }, acks };
}

/** Every series so far on one database: the check holds the whole database to all of them. */
const allAcks: Ack[] = [];
async function check(url: string, acks: Ack[]) {
  allAcks.push(...acks);
  const c = await verifyAcknowledged(url, allAcks, OVERLAP);
  const overOverlap = c.problems.filter((p) => p.startsWith("prompt ")).length;
  return { acknowledged: acks.length, rankingsInDatabase: c.rankings, promptsOverOverlap: overOverlap, acknowledgedNotExactlyOnce: c.problems.length - overOverlap + Math.abs(c.rankings - allAcks.length), problemSamples: c.problems.slice(0, 3) };
}

function httpTarget(app: AppProcess, slug: string, sessions: Map<string, Session>): Target<Session> {
  const expect = (res: { status: number; body: any }, ok: number) => {
    if (res.status !== ok) throw new Error(`HTTP ${res.status}: ${JSON.stringify(res.body).slice(0, 160)}`);
    return res.body;
  };
  return {
    prepare: async (a) => {
      let s = sessions.get(a.id);
      if (!s) sessions.set(a.id, (s = await signIn(app.baseUrl, a.email, PASSWORD)));
      return s;
    },
    next: async (s) => expect(await s.post(`/api/v1/projects/${slug}/tasks/next`), 200).task,
    submit: async (s, body) => {
      const { assignmentId, ...ranking } = body;
      return expect(await s.post(`/api/v1/tasks/${assignmentId}/ranking`, ranking), 201);
    },
    page: async (s) => {
      const res = await s.get(`/annotate/${slug}/rank`);
      if (res.status !== 200) throw new Error(`rank page answered ${res.status}`);
    },
  };
}

/** First requests compile routes and fill caches: a few rounds of each operation, not counted (their rankings are acknowledged). */
async function warmUp(t: Target<Session>, s: Session, annotatorId: string, rounds: number) {
  // Page loads side by side first: each opens its own connection, and the cluster hands connections out in turn, so
  // every web process renders the rank page before the clock starts (one kept-alive connection warmed only one of
  // two, and the other's first render, ~0.4 s, was the 2-process series' p99 at 100 annotators).
  for (let i = 0; i < 3; i++) await Promise.all(Array.from({ length: rounds }, () => t.page(s)));
  for (let i = 0; i < rounds; i++) {
    await t.page(s);
    const task = await t.next(s);
    if (!task) continue;
    const body = { assignmentId: task.assignmentId, order: task.outputs.map((o) => [o.id]), idempotencyKey: randomUUID() };
    allAcks.push({ annotatorId, key: body.idempotencyKey, assignmentId: body.assignmentId, ...(await t.submit(s, body)), attempts: 1, at: Date.now() });
  }
}

const figures: Record<string, SeriesResult> = {};
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "tl-bench-load-"));
const started = Date.now();
try {
  const want = new Set(opts.series);
  if (want.has("direct") || want.has("http1") || want.has("http2")) {
    await withScratchDatabase({ pool: POOL }, async (conn, dbUrl) => {
      for (const slug of ["load-direct", "load-http1", "load-http2"]) if (want.has(slug.slice(5) as never)) await seedProject(conn, slug, PROMPTS);
      const people = await seedUsers(conn, USERS);
      if (want.has("direct")) {
        const direct: Target<Actor> = {
          prepare: async (a) => a,
          next: async (a) => (await withInput(nextTaskInput, { projectSlug: "load-direct" }, (input) => nextTask(a, input))),
          submit: (a, body) => withInput(submitRankingInput, body, (input) => submitRanking(a, input)),
          // What the rank page itself reads (the project; the task comes from the next-task call).
          page: async (a) => void (await getProjectBySlug(a, "load-direct")),
        };
        const { result, acks } = await runSeries("direct", people, direct);
        figures.direct = { ...result, checks: await check(dbUrl, acks) };
      }
      // Cookies signed for one app run are good for the next: the same AUTH_SECRET, so each annotator signs in once.
      // Both runs listen on one port, so a session made against the first is good against the second.
      const sessions = new Map<string, Session>();
      const port = await freePort();
      for (const workers of [1, 2]) {
        if (!want.has(`http${workers}` as never)) continue;
        const app = await startAppProcess({ databaseUrl: dbUrl, dataDir, port, serveArgs: ["--workers", String(workers)] });
        try {
          const target = httpTarget(app, `load-http${workers}`, sessions);
          await warmUp(target, await target.prepare(people[0]), people[0].id, 3 * workers);
          const { result, acks } = await runSeries(`http${workers}`, people, target);
          figures[`http${workers}`] = result;
          await app.stop();
          figures[`http${workers}`].checks = await check(dbUrl, acks);
        } finally {
          await app.kill("SIGKILL");
        }
      }
    });
  }
  if (want.has("pglite")) {
    // The embedded default: seeded in its data folder first, then served by one process that owns it.
    const pgliteDir = path.join(dataDir, "pglite");
    const conn = connectPglite(path.join(pgliteDir, "db"));
    let people: Actor[];
    try {
      await migrateDatabase(conn);
      setConnection(conn);
      await seedProject(conn, "load-pglite", Math.min(PROMPTS, 20_000));
      people = await seedUsers(conn, USERS);
    } finally {
      setConnection(undefined);
      await conn.close();
    }
    const app = await startAppProcess({ databaseUrl: "", dataDir: pgliteDir });
    try {
      const target = httpTarget(app, "load-pglite", new Map());
      await warmUp(target, await target.prepare(people[0]), people[0].id, 3);
      const { result } = await runSeries("pglite", people, target);
      // The embedded database is the app's own: the exactly-once check reads PostgreSQL over `pg`, so it runs on the other series.
      figures.pglite = result;
    } finally {
      await app.stop();
    }
  }
} finally {
  fs.rmSync(dataDir, { recursive: true, force: true });
}

const held = (k: string) => figures[k]?.held ?? null;
const ratio = held("http1") !== null && held("direct") ? held("http1") / held("direct") : null;
const integrity = Object.values(figures).every((f) => !f.checks || (f.checks.promptsOverOverlap === 0 && f.checks.acknowledgedNotExactlyOnce === 0));
report({
  bench: "load",
  figures: {
    annotatorsHeld: { direct: held("direct"), http1: held("http1"), http2: held("http2"), pglite: held("pglite") },
    series: figures,
    settings: { thinkS: opts["think-s"], stepS: opts["step-s"], minSamples: opts["min-samples"], steps: STEPS, pageRate: opts["page-rate"], p99Ms: P99_MS, promptsPerProject: PROMPTS, appPoolPerProcess: POOL },
    minutes: (Date.now() - started) / 60_000,
  },
  baseline: { direct: held("direct") },
  ratio,
  targets: { annotatorsHeldOneProcess: 1000, moonshot: 2000, ratio: 0.5, ratioMoonshot: 0.7, integrity: true },
  met: {
    annotatorsHeldOneProcess: (held("http1") ?? 0) >= 1000,
    moonshot: (held("http1") ?? 0) >= 2000,
    ratio: ratio !== null && ratio >= 0.5,
    ratioMoonshot: ratio !== null && ratio >= 0.7,
    integrity,
  },
});
