// Applies the SQL migrations in db/migrations (made by drizzle-kit); safe to run at every start.
import "server-only";
import path from "node:path";
import { drizzle as drizzlePg } from "drizzle-orm/node-postgres";
import { migrate as migratePg } from "drizzle-orm/node-postgres/migrator";
import { migrate as migratePglite } from "drizzle-orm/pglite/migrator";
import type { PgliteDatabase } from "drizzle-orm/pglite";
import { env } from "@/lib/env";
import type { Connection } from "./client";

// Any constant works; it only has to be the same for every Tuneloop process.
const MIGRATION_LOCK_KEY = 7_264_551_902;

export function migrationsFolder() {
  return path.join(/*turbopackIgnore: true*/ env().rootDir, "db", "migrations");
}

/**
 * Runs fn while holding the advisory lock every Tuneloop process takes before it changes the database's shape
 * (migrations, pg-boss's schema and queues): processes that start together take turns. On the embedded database
 * one process owns the data folder, so there is nothing to wait for.
 */
export async function withMigrationLock<T>(conn: Connection, fn: () => Promise<T>): Promise<T> {
  if (conn.kind === "pglite") return fn();
  const client = await conn.pool!.connect();
  try {
    await client.query("select pg_advisory_lock($1)", [MIGRATION_LOCK_KEY]);
    try {
      return await fn();
    } finally {
      await client.query("select pg_advisory_unlock($1)", [MIGRATION_LOCK_KEY]);
    }
  } finally {
    client.release();
  }
}

export async function migrateDatabase(conn: Connection): Promise<void> {
  const folder = migrationsFolder();
  if (conn.kind === "pglite") {
    await migratePglite(conn.db as unknown as PgliteDatabase, { migrationsFolder: folder });
    return;
  }
  // Several app or worker processes may start at once: one migrates, the others wait, then find nothing to do.
  // drizzle runs on the locking client itself, so the migrations never wait for a second pool slot.
  const client = await conn.pool!.connect();
  try {
    await client.query("select pg_advisory_lock($1)", [MIGRATION_LOCK_KEY]);
    try {
      await migratePg(drizzlePg(client), { migrationsFolder: folder });
    } finally {
      await client.query("select pg_advisory_unlock($1)", [MIGRATION_LOCK_KEY]);
    }
  } finally {
    client.release();
  }
}
