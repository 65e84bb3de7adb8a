// Ten Tuneloop processes starting at once on an empty PostgreSQL database all come up: the migrations, pg-boss's
// schema and its queues are created under one advisory lock (before it, a duplicate pg_namespace row or a deadlock).
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { afterAll, describe, expect, it } from "vitest";
import { connectPostgres } from "@/db/client";
import { liveWorkers, queues, startBoss } from "@/lib/jobs/boss";
import { startCli, type LiveCli } from "../helpers/cli";
import { testDatabaseUrl } from "../helpers/db";
import { skipBecause } from "../helpers/skip";

const PROCESSES = 10;
const name = `tl_proc_${process.pid}_${randomBytes(4).toString("hex")}`;
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "tl-together-"));
const started: LiveCli[] = [];

async function admin(sql: string) {
  const client = new pg.Client({ connectionString: testDatabaseUrl });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

function urlOf(db: string) {
  const u = new URL(testDatabaseUrl!);
  u.pathname = `/${db}`;
  return u.toString();
}

afterAll(async () => {
  for (const p of started) p.child.kill("SIGKILL");
  fs.rmSync(dataDir, { recursive: true, force: true });
  if (testDatabaseUrl) await admin(`drop database if exists ${name} with (force)`);
});

describe("processes starting together", () => {
  it(`${PROCESSES} workers started at once on an empty PostgreSQL database all come up and take jobs`, async (ctx) => {
    if (!testDatabaseUrl) skipBecause(ctx, "TEST_DATABASE_URL is not set (processes share a server; one process owns an embedded database)");
    await admin(`create database ${name}`);
    // Each process may open TUNELOOP_DB_POOL_MAX connections (default 10; a worker's pollers use them all at start-up):
    // ten at the default fill a default server's 100 max_connections, which other test files share. Four each leaves room.
    const env = { DATABASE_URL: urlOf(name), TUNELOOP_DATA_DIR: dataDir, TUNELOOP_DB_POOL_MAX: "4" };
    for (let i = 0; i < PROCESSES; i++) started.push(startCli(["worker"], env));
    await Promise.all(started.map((p) => p.waitFor(/taking jobs on PostgreSQL/, 150_000)));

    const conn = connectPostgres(urlOf(name), { max: 2 });
    const boss = await startBoss(conn, { supervise: false });
    try {
      expect((await boss.getQueues()).map((q) => q.name).sort()).toEqual([...queues].sort());
      // Each worker's heartbeat lands in pg-boss's instance registry; on a loaded machine a first beat can lag.
      const pids = started.map((p) => p.child.pid).sort();
      let live: number[] = [];
      for (const t0 = Date.now(); Date.now() - t0 < 30_000; await new Promise((r) => setTimeout(r, 500))) {
        live = (await liveWorkers(boss, "train")).map((w) => w.pid).sort();
        if (live.length === pids.length) break;
      }
      expect(live).toEqual(pids);
    } finally {
      await boss.stop({ graceful: false });
      await conn.close();
    }

    for (const p of started) p.child.kill("SIGTERM");
    const exits = await Promise.all(started.map((p) => p.exited));
    expect(exits.map((e) => e.code)).toEqual(started.map(() => 0));
    for (const p of started) expect(p.output()).not.toMatch(/duplicate key|deadlock|error/i);
  });
});
