// Simulated annotators for fault tests: each loops next task → submit, retrying failed calls with the same
// idempotency key, and records what it saw acknowledged; verifyAcknowledged() then holds the database to it.
import { randomUUID } from "node:crypto";
import pg from "pg";

export type Task = { assignmentId: string; outputs: Array<{ id: string }> };
export type Submitted = { rankingId: string; promptId: string; duplicate: boolean };
export type RankingBody = { assignmentId: string; order: string[][]; idempotencyKey: string };

export type Ack = { annotatorId: string; key: string; assignmentId: string; rankingId: string; promptId: string; duplicate: boolean; attempts: number; at: number };

export type LoopStats = {
  acks: Ack[];
  /** Failed calls that were retried (connection refused, terminated, 5xx, …). */
  transientErrors: number;
  errorSamples: string[];
  /** Per annotator: a task was still to be had when it stopped (false: the queue ran dry). */
  done: number;
};

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Calls fn until it succeeds; transient failures are retried with backoff until the deadline, others thrown. */
export async function retrying<T>(fn: () => Promise<T>, opts: { isTransient: (e: unknown) => boolean; deadline: number; stats: LoopStats }): Promise<{ value: T; attempts: number }> {
  for (let attempt = 1; ; attempt++) {
    try {
      return { value: await fn(), attempts: attempt };
    } catch (e) {
      if (!opts.isTransient(e)) throw e;
      opts.stats.transientErrors += 1;
      if (opts.stats.errorSamples.length < 12) opts.stats.errorSamples.push(String((e as Error)?.message ?? e).slice(0, 160));
      if (Date.now() > opts.deadline) throw new Error(`still failing at the deadline after ${attempt} attempts: ${(e as Error)?.message ?? e}`);
      await sleep(Math.min(1000, 50 * 2 ** Math.min(attempt, 5)));
    }
  }
}

/**
 * `people` loop concurrently until each has `perPerson` acknowledged submissions or no task is left.
 * A submission is acknowledged only when submit() returned; until then it is retried with the same key.
 */
export async function runAnnotatorLoops<P extends { id: string }>(opts: {
  people: P[];
  perPerson: number;
  timeoutMs: number;
  nextTask: (p: P) => Promise<Task | null>;
  submit: (p: P, body: RankingBody) => Promise<Submitted>;
  isTransient: (e: unknown) => boolean;
  stats?: LoopStats;
}): Promise<LoopStats> {
  const stats: LoopStats = opts.stats ?? { acks: [], transientErrors: 0, errorSamples: [], done: 0 };
  const deadline = Date.now() + opts.timeoutMs;
  await Promise.all(
    opts.people.map(async (person) => {
      for (let n = 0; n < opts.perPerson; n++) {
        const { value: task } = await retrying(() => opts.nextTask(person), { isTransient: opts.isTransient, deadline, stats });
        if (!task) break;
        const body = { assignmentId: task.assignmentId, order: task.outputs.map((o) => [o.id]), idempotencyKey: randomUUID() };
        const { value, attempts } = await retrying(() => opts.submit(person, body), { isTransient: opts.isTransient, deadline, stats });
        stats.acks.push({ annotatorId: person.id, key: body.idempotencyKey, assignmentId: body.assignmentId, ...value, attempts, at: Date.now() });
      }
      stats.done += 1;
    }),
  );
  return stats;
}

/** Everything that contradicts "acknowledged ⇒ present exactly once"; empty when the database keeps its word. */
export async function verifyAcknowledged(url: string, acks: Ack[], overlap: number): Promise<{ problems: string[]; rankings: number }> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    const problems: string[] = [];
    const { rows } = await c.query<{ id: string; annotator_id: string; idempotency_key: string; prompt_id: string; assignment_id: string }>(
      "select id, annotator_id, idempotency_key, prompt_id, assignment_id from rankings where source = 'human'",
    );
    const byKey = new Map<string, typeof rows>();
    for (const r of rows) {
      const k = `${r.annotator_id}/${r.idempotency_key}`;
      byKey.set(k, [...(byKey.get(k) ?? []), r]);
    }
    const ackedKeys = new Set<string>();
    for (const a of acks) {
      const k = `${a.annotatorId}/${a.key}`;
      ackedKeys.add(k);
      const found = byKey.get(k) ?? [];
      if (found.length !== 1) problems.push(`acknowledged ${k} is in the database ${found.length} times`);
      else if (found[0].id !== a.rankingId) problems.push(`acknowledged ${k} answered ranking ${a.rankingId}, the database has ${found[0].id}`);
    }
    if (ackedKeys.size !== acks.length) problems.push(`${acks.length - ackedKeys.size} keys were acknowledged twice as new submissions`);
    for (const k of byKey.keys()) if (!ackedKeys.has(k)) problems.push(`ranking ${k} is in the database but was never acknowledged`);
    const perAssignment = new Map<string, number>();
    for (const r of rows) perAssignment.set(r.assignment_id, (perAssignment.get(r.assignment_id) ?? 0) + 1);
    for (const [id, n] of perAssignment) if (n > 1) problems.push(`assignment ${id} has ${n} rankings`);
    const over = await c.query<{ prompt_id: string; n: number; ranking_count: number }>(
      `select p.id as prompt_id, count(r.id)::int as n, p.ranking_count from prompts p left join rankings r on r.prompt_id = p.id and r.source = 'human' and r.is_current
       group by p.id having count(r.id) > $1 or count(r.id) <> p.ranking_count`,
      [overlap],
    );
    for (const r of over.rows) problems.push(`prompt ${r.prompt_id} has ${r.n} rankings (overlap ${overlap}, ranking_count ${r.ranking_count})`);
    return { problems, rankings: rows.length };
  } finally {
    await c.end();
  }
}
