// A scratch PostgreSQL database for one benchmark: created on the server benchmarks use, migrated, installed as
// this process's connection while `fn` runs, and dropped afterwards whatever happens.
import { randomBytes } from "node:crypto";
import pg from "pg";
import { connectPostgres, setConnection, type Connection } from "@/db/client";
import { migrateDatabase } from "@/db/migrate";

export const benchServerUrl = process.env.BENCH_DATABASE_URL ?? process.env.TEST_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";

async function onServer(statement: string) {
  const c = new pg.Client({ connectionString: benchServerUrl });
  await c.connect();
  try {
    await c.query(statement);
  } finally {
    await c.end();
  }
}

export async function withScratchDatabase<T>(opts: { pool: number }, fn: (conn: Connection, url: string) => Promise<T>): Promise<T> {
  const name = `tl_bench_${randomBytes(4).toString("hex")}`;
  await onServer(`create database ${name}`);
  const u = new URL(benchServerUrl);
  u.pathname = `/${name}`;
  const conn = connectPostgres(u.toString(), { max: opts.pool });
  try {
    await migrateDatabase(conn);
    setConnection(conn);
    return await fn(conn, u.toString());
  } finally {
    setConnection(undefined);
    await conn.close();
    await onServer(`drop database if exists ${name} with (force)`);
  }
}
