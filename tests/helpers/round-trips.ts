// Counts the database round trips a piece of code makes on a test connection (PGlite or node-postgres), so a test can
// assert how many a request costs and notice when that grows. Transaction control counts: on PostgreSQL drizzle sends
// BEGIN and COMMIT as statements; PGlite runs them inside transaction(), counted here as the two they are.
import type pg from "pg";
import type { Connection } from "@/db/client";

export type RoundTrips = {
  /** statements since the last reset, BEGIN/COMMIT/ROLLBACK included */
  count(): number;
  /** their text (first 160 characters), for the failure message */
  statements(): string[];
  reset(): void;
  /** runs fn and returns its result with the round trips it made */
  measure<T>(fn: () => Promise<T>): Promise<{ result: T; trips: number; statements: string[] }>;
};

const PATCHED = Symbol("roundTripsPatched");

export function countRoundTrips(conn: Connection): RoundTrips {
  let seen: string[] = [];
  const note = (text: unknown) => seen.push(String(text).replace(/\s+/g, " ").trim().slice(0, 160));

  if (conn.kind === "pglite") {
    const client = conn.pglite! as unknown as Record<string | symbol, unknown>;
    const patched = Boolean(client[PATCHED]);
    client[PATCHED] = note;
    if (!patched) {
      const note = (text: unknown) => (client[PATCHED] as (t: unknown) => void)(text);
      const query = (client.query as (...a: unknown[]) => Promise<unknown>).bind(client);
      client.query = (text: unknown, ...rest: unknown[]) => (note(text), query(text, ...rest));
      const transaction = (client.transaction as (fn: (tx: Record<string, unknown>) => Promise<unknown>) => Promise<unknown>).bind(client);
      client.transaction = (fn: (tx: Record<string, unknown>) => Promise<unknown>) => {
        note("BEGIN");
        return transaction((tx) => {
          const txQuery = (tx.query as (...a: unknown[]) => Promise<unknown>).bind(tx);
          const wrapped = Object.create(tx, { query: { value: (text: unknown, ...rest: unknown[]) => (note(text), txQuery(text, ...rest)) } });
          return fn(wrapped);
        }).finally(() => note("COMMIT/ROLLBACK"));
      };
    }
  } else {
    const pool = conn.pool! as pg.Pool & Record<string | symbol, unknown>;
    const patchClient = (c: pg.PoolClient) => {
      const rec = c as unknown as Record<string | symbol, unknown>;
      if (rec[PATCHED]) return c;
      rec[PATCHED] = true;
      const query = (c.query as (...a: unknown[]) => unknown).bind(c);
      rec.query = (config: unknown, ...rest: unknown[]) => {
        (pool[PATCHED] as (t: unknown) => void)(typeof config === "string" ? config : (config as { text?: string })?.text);
        return query(config, ...rest);
      };
      return c;
    };
    const patched = Boolean(pool[PATCHED]);
    pool[PATCHED] = note;
    if (!patched) {
      const connect = pool.connect.bind(pool) as (cb?: (err: Error | undefined, c: pg.PoolClient | undefined, done: (r?: Error | boolean) => void) => void) => unknown;
      (pool as unknown as { connect: unknown }).connect = (cb?: (err: Error | undefined, c: pg.PoolClient | undefined, done: (r?: Error | boolean) => void) => void) =>
        cb ? connect((err, c, done) => cb(err, c && patchClient(c), done)) : (connect() as Promise<pg.PoolClient>).then(patchClient);
    }
  }

  return {
    count: () => seen.length,
    statements: () => [...seen],
    reset: () => {
      seen = [];
    },
    async measure(fn) {
      seen = [];
      const result = await fn();
      const statements = [...seen];
      return { result, trips: statements.length, statements };
    },
  };
}
