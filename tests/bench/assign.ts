// Benchmark: next-task latency with 10,000 and with 1,000,000 prompts in a project (target ratio ≤ 1.5).
// Runs on PostgreSQL: BENCH_DATABASE_URL or TEST_DATABASE_URL (a scratch database is made and dropped).
import { sql } from "drizzle-orm";
import type { Connection } from "@/db/client";
import { addUser } from "@/lib/auth/accounts";
import type { Actor } from "@/lib/auth/roles";
import { submitRanking } from "@/lib/rankings/submit";
import { nextTask } from "@/lib/rankings/tasks";
import { report, summarize } from "./common";
import { withScratchDatabase } from "./scratch-db";
import { withInput } from "../helpers/input";
import { submitRankingInput, nextTaskInput } from "@/lib/validation/rankings";

/** Parsed at the boundary first, as the action, route and CLI do. */
const submitRankingVia = (actor: Actor, raw: unknown) => withInput(submitRankingInput, raw, (input) => submitRanking(actor, input));
const nextTaskVia = (actor: Actor, raw: unknown) => withInput(nextTaskInput, raw, (input) => nextTask(actor, input));

const calls = Number(process.env.BENCH_CALLS ?? 300);
const annotators = 8;
const openScreenings = Number(process.env.BENCH_OPEN_SCREENINGS ?? 0);

async function seed(conn: Connection, prompts: number) {
  const t0 = Date.now();
  const [project] = (
    await conn.db.execute(sql`insert into projects (slug, name, categories, settings)
      values ('bench', 'bench', '["open QA"]', '{"k":2,"overlap":3,"agreementThreshold":0.5,"goldRate":0,"reviseHours":24,"leaseMinutes":30}') returning id`)
  ).rows as Array<{ id: string }>;
  await conn.db.execute(sql`insert into prompts (project_id, instruction, source, status, created_at)
    select ${project.id}, 'Question ' || g, 'import', 'approved', now() - (g || ' seconds')::interval from generate_series(1, ${prompts}) g`);
  await conn.db.execute(sql`insert into completions (prompt_id, text, source, generator)
    select p.id, 'Answer ' || k, 'model', 'm' || k from prompts p cross join generate_series(1, 2) k`);
  // BENCH_OPEN_SCREENINGS=N: N prompts await a screening reviewer, so next task's screening hold has a set to skip
  if (openScreenings > 0)
    await conn.db.execute(sql`insert into screenings (project_id, prompt_id, target_type, target_id, pii, review)
      select ${project.id}, p.id, 'prompt', p.id, '[{"field":"instruction","kind":"email","start":0,"end":1,"text":"x"}]', 'open'
      from prompts p where p.project_id = ${project.id} order by md5(p.id::text) limit ${openScreenings}`);
  await conn.db.execute(sql`analyze`);
  return { seedSeconds: (Date.now() - t0) / 1000, openScreenings };
}

async function measure(): Promise<{ nextTaskMs: ReturnType<typeof summarize> }> {
  const people: Actor[] = [];
  for (let i = 0; i < annotators; i++) {
    const u = await addUser({ email: `b${i}@bench.test`, role: "annotator", password: "bench password 1" });
    people.push({ id: u.id, email: u.email, name: u.name, role: u.role, via: "session" });
  }
  const times: number[] = [];
  let left = calls;
  await Promise.all(
    people.map(async (person) => {
      while (left-- > 0) {
        const t0 = performance.now();
        const task = await nextTaskVia(person, { projectSlug: "bench" });
        times.push(performance.now() - t0);
        if (!task) return;
        await submitRankingVia(person, { assignmentId: task.assignmentId, order: task.outputs.map((o) => [o.id]), idempotencyKey: crypto.randomUUID() });
      }
    }),
  );
  return { nextTaskMs: summarize(times) };
}

const small = await withScratchDatabase({ pool: annotators + 2 }, async (conn) => ({ ...(await seed(conn, 10_000)), ...(await measure()) }));
console.log("10,000 prompts:", JSON.stringify(small));
const large = await withScratchDatabase({ pool: annotators + 2 }, async (conn) => ({ ...(await seed(conn, 1_000_000)), ...(await measure()) }));
console.log("1,000,000 prompts:", JSON.stringify(large));
const ratio = large.nextTaskMs.p50 / small.nextTaskMs.p50;
report({
  bench: "assign",
  figures: { prompts1M: large, calls, annotators },
  baseline: { prompts10k: small },
  ratio,
  targets: { p50Ratio: 1.5 },
  met: ratio <= 1.5,
});
