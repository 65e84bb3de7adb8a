// One typed `db`: node-postgres when DATABASE_URL is set, embedded PGlite in the data folder otherwise.
import "server-only";
import fs from "node:fs";
import path from "node:path";
import { createRequire } from "node:module";
import type { PGlite } from "@electric-sql/pglite";
import { drizzle as drizzlePg, type NodePgDatabase, type NodePgQueryResultHKT } from "drizzle-orm/node-postgres";
import type { PgTransaction } from "drizzle-orm/pg-core";
import type { ExtractTablesWithRelations } from "drizzle-orm";
import pg from "pg";
import { env } from "@/lib/env";
import * as schema from "./schema";

export type Schema = typeof schema;
/** Both drivers expose the same query builder; node-postgres's type stands for either. */
export type Db = NodePgDatabase<Schema>;
export type Tx = PgTransaction<NodePgQueryResultHKT, Schema, ExtractTablesWithRelations<Schema>>;
export type DbOrTx = Db | Tx;

export type Connection = {
  kind: "pg" | "pglite";
  db: Db;
  pool?: pg.Pool;
  pglite?: PGlite;
  /** where the embedded database lives (pglite only) */
  dataDir?: string;
  close(): Promise<void>;
};

export class DatabaseInUseError extends Error {}

const holder = globalThis as unknown as { __tuneloopConnection?: Connection };

/**
 * A client whose connection dies while checked out goes back to the pool by itself. drizzle-orm (0.45)'s
 * transaction() releases its client in a `finally` that a failed BEGIN never reaches: each transaction begun while
 * the server restarted leaked one pool slot for good, until every request waited forever.
 */
function releaseWhenLost(client: pg.PoolClient): pg.PoolClient {
  const release = client.release.bind(client);
  let released = false;
  const onEnd = () => client.release(new Error("connection lost while checked out"));
  client.release = (err?: Error | boolean) => {
    if (released) return;
    released = true;
    client.off("end", onEnd);
    release(err);
  };
  client.once("end", onEnd);
  return client;
}

class SelfReleasingPool extends pg.Pool {
  connect(): Promise<pg.PoolClient>;
  connect(callback: (err: Error | undefined, client: pg.PoolClient | undefined, done: (release?: Error | boolean) => void) => void): void;
  connect(callback?: (err: Error | undefined, client: pg.PoolClient | undefined, done: (release?: Error | boolean) => void) => void) {
    // pool.query() uses the callback form, drizzle the promise form.
    if (callback) {
      return super.connect((err, client, done) => {
        const guarded = client && releaseWhenLost(client);
        callback(err, guarded, guarded ? (r) => guarded.release(r) : done);
      });
    }
    return super.connect().then(releaseWhenLost);
  }
}

export function connectPostgres(url: string, opts: { max?: number } = {}): Connection {
  const pool = new SelfReleasingPool({ connectionString: url, max: opts.max ?? 10 });
  // An idle client that loses its server (restart) emits here; the pool replaces it on next use.
  pool.on("error", (e) => console.warn("[tuneloop] postgres pool error:", e.message));
  // A checked-out client (between two statements of a transaction) has no listener of pg-pool's: losing its server
  // then was an uncaught 'error' event that crashed the process. Now the next statement fails, the transaction
  // throws, and release() drops the dead client.
  pool.on("connect", (client) => client.on("error", (e) => console.warn("[tuneloop] postgres connection lost:", e.message)));
  const db = drizzlePg(pool, { schema });
  return { kind: "pg", db, pool, close: () => pool.end() };
}

/** The embedded database is owned by one process: a lock file with its pid keeps a second one out. */
function acquireEmbeddedLock(dir: string): () => void {
  const lockPath = path.join(dir, "tuneloop.lock");
  const holderPid = readLockPid(lockPath);
  if (holderPid && holderPid !== process.pid && isAlive(holderPid)) {
    throw new DatabaseInUseError(
      `The embedded database in ${dir} is in use by another Tuneloop process (pid ${holderPid}), ` +
        `probably the running app. Stop it first, use the app or its API (/api/v1) while it runs, ` +
        `or set DATABASE_URL to a PostgreSQL server, which many processes can share.`,
    );
  }
  fs.writeFileSync(lockPath, String(process.pid));
  const release = () => {
    if (readLockPid(lockPath) === process.pid) fs.rmSync(lockPath, { force: true });
  };
  process.once("exit", release);
  return release;
}

function readLockPid(lockPath: string): number | null {
  try {
    const pid = Number(fs.readFileSync(lockPath, "utf8").trim());
    return Number.isInteger(pid) && pid > 0 ? pid : null;
  } catch {
    return null;
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "EPERM";
  }
}

// The embedded database's modules load on first use: a process on PostgreSQL never pays their ~55 MB.
const requireLazily = createRequire(import.meta.url);

/** dir null → an in-memory database (tests). */
export function connectPglite(dir: string | null): Connection {
  const { PGlite } = requireLazily("@electric-sql/pglite") as typeof import("@electric-sql/pglite");
  const { drizzle: drizzlePglite } = requireLazily("drizzle-orm/pglite") as typeof import("drizzle-orm/pglite");
  let release = () => {};
  if (dir) {
    fs.mkdirSync(dir, { recursive: true });
    release = acquireEmbeddedLock(dir);
  }
  // pg_trgm backs the similar-prompt search; PGlite loads an extension only when it is named here.
  const { pg_trgm } = requireLazily("@electric-sql/pglite/contrib/pg_trgm") as typeof import("@electric-sql/pglite/contrib/pg_trgm");
  const options = { extensions: { pg_trgm } };
  const client = dir ? new PGlite(path.join(dir, "pgdata"), options) : new PGlite(options);
  const db = drizzlePglite(client, { schema }) as unknown as Db;
  return {
    kind: "pglite",
    db,
    pglite: client,
    dataDir: dir ?? undefined,
    close: async () => {
      await client.close();
      release();
    },
  };
}

/** The process-wide connection, made from the environment on first use. */
export function getConnection(): Connection {
  if (!holder.__tuneloopConnection) {
    const e = env();
    holder.__tuneloopConnection = e.DATABASE_URL
      ? connectPostgres(e.DATABASE_URL, { max: e.TUNELOOP_DB_POOL_MAX })
      : connectPglite(path.join(e.dataDir, "db"));
  }
  return holder.__tuneloopConnection;
}

export function getDb(): Db {
  return getConnection().db;
}

/** Tests and the CLI install their own connection; returns the previous one. */
export function setConnection(conn: Connection | undefined): Connection | undefined {
  const prev = holder.__tuneloopConnection;
  holder.__tuneloopConnection = conn;
  return prev;
}

export async function closeConnection() {
  const conn = holder.__tuneloopConnection;
  holder.__tuneloopConnection = undefined;
  await conn?.close();
}
