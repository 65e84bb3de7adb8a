// Test databases: a fresh, migrated database per test, on PGlite always and on PostgreSQL when TEST_DATABASE_URL is set.
import { randomBytes } from "node:crypto";
import { afterEach, beforeEach, describe, inject } from "vitest";
import pg from "pg";
import { connectPglite, connectPostgres, setConnection, type Connection } from "@/db/client";
import { migrateDatabase } from "@/db/migrate";

export type DatabaseKind = "pglite" | "postgres";

export const testDatabaseUrl = process.env.TEST_DATABASE_URL || undefined;
export const databaseKinds: DatabaseKind[] = testDatabaseUrl ? ["pglite", "postgres"] : ["pglite"];

let pgTemplate: Promise<string> | null = null;

/** This run's id (global-setup.ts), so its teardown drops only this run's databases. */
const runId = inject("testRunId") ?? "norun";

function adminUrl(dbName: string) {
  const u = new URL(testDatabaseUrl!);
  u.pathname = `/${dbName}`;
  return u.toString();
}

async function withAdminClient<T>(fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: testDatabaseUrl });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/** One migrated template per test process; each test database is a cheap copy of it. */
function postgresTemplate(): Promise<string> {
  pgTemplate ??= (async () => {
    const name = `tl_tpl_${runId}_${process.pid}_${randomBytes(3).toString("hex")}`;
    await withAdminClient((c) => c.query(`create database ${name}`));
    const conn = connectPostgres(adminUrl(name), { max: 2 });
    await migrateDatabase(conn);
    await conn.close();
    return name;
  })();
  return pgTemplate;
}

/** A new migrated database of the given kind; close() drops it. */
export async function createTestConnection(kind: DatabaseKind): Promise<Connection> {
  if (kind === "pglite") {
    const conn = connectPglite(null);
    await migrateDatabase(conn);
    return conn;
  }
  const template = await postgresTemplate();
  const name = `tl_test_${runId}_${process.pid}_${randomBytes(4).toString("hex")}`;
  await withAdminClient((c) => c.query(`create database ${name} template ${template}`));
  const conn = connectPostgres(adminUrl(name), { max: 24 });
  const close = conn.close.bind(conn);
  conn.close = async () => {
    await close();
    await withAdminClient((c) => c.query(`drop database if exists ${name} with (force)`));
  };
  return conn;
}

/**
 * Runs the suite once per database kind; each test gets its own fresh database,
 * installed as the process-wide connection that lib/ uses.
 */
export function describeEachDatabase(title: string, body: (ctx: { conn: () => Connection; kind: DatabaseKind }) => void) {
  for (const kind of databaseKinds) {
    describe(`${title} [${kind}]`, () => {
      let current: Connection | undefined;
      beforeEach(async () => {
        current = await createTestConnection(kind);
        setConnection(current);
      });
      afterEach(async () => {
        setConnection(undefined);
        await current?.close();
        current = undefined;
      });
      body({ conn: () => current!, kind });
    });
  }
}
