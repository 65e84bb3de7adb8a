// The CLI as a person meets it when something is wrong: one line and an exit code, never a stack (unless asked),
// and `retrain --wait` with no live worker says so and how to start one instead of waiting in silence.
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { afterAll, describe, expect, it } from "vitest";
import { runCli, startCli, type LiveCli } from "../helpers/cli";
import { testDatabaseUrl } from "../helpers/db";
import { skipBecause } from "../helpers/skip";

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "tl-cli-failures-"));
const live: LiveCli[] = [];
const databases: string[] = [];
const STACK_FRAME = /^\s+at /m;

async function admin(sql: string) {
  const client = new pg.Client({ connectionString: testDatabaseUrl });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

/** An empty database on the test server; the first CLI command migrates it. */
async function emptyDatabase(): Promise<string> {
  const name = `tl_proc_${process.pid}_${randomBytes(4).toString("hex")}`;
  await admin(`create database ${name}`);
  databases.push(name);
  const u = new URL(testDatabaseUrl!);
  u.pathname = `/${name}`;
  return u.toString();
}

afterAll(async () => {
  for (const p of live) p.child.kill("SIGKILL");
  await Promise.all(live.map((p) => p.exited));
  fs.rmSync(dataDir, { recursive: true, force: true });
  for (const name of databases) await admin(`drop database if exists ${name} with (force)`);
});

describe("a failing CLI command", () => {
  it("prints one line naming the problem when the database server cannot be reached, and the stack only with TUNELOOP_LOG_LEVEL=debug", async () => {
    const unreachable = { DATABASE_URL: "postgres://postgres@127.0.0.1:1/nowhere" };
    const plain = await runCli(dataDir, ["migrate"], unreachable);
    expect(plain.code).toBe(1);
    expect(plain.stderr.trim().split("\n")).toEqual([expect.stringMatching(/^tuneloop migrate: cannot reach the PostgreSQL server named by DATABASE_URL \(.*ECONNREFUSED.*\)$/)]);

    const debug = await runCli(dataDir, ["migrate"], { ...unreachable, TUNELOOP_LOG_LEVEL: "debug" });
    expect(debug.code).toBe(1);
    expect(debug.stderr).toMatch(STACK_FRAME);
  });

  it("names a missing project in one line with exit 2", async () => {
    const r = await runCli(dataDir, ["stats", "--project", "no-such-project"]);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
    expect(r.stderr).toMatch(/^tuneloop stats: .*no-such-project|not found/i);
    expect(r.stderr).not.toMatch(STACK_FRAME);
  });

  it("refuses serve --workers above 1 on the embedded database in one line with exit 2, before building anything", async () => {
    const r = await runCli(dataDir, ["serve", "--workers", "2"]);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split("\n")).toEqual(["tuneloop serve: --workers 2 needs DATABASE_URL: the embedded PGlite database belongs to one process, so it serves with one web process (set DATABASE_URL=postgres://… for several)"]);
    expect(r.stdout).not.toMatch(/building/);
  });

  it("reports the server's own error (a database that does not exist) in one line with its SQLSTATE", async (ctx) => {
    if (!testDatabaseUrl) skipBecause(ctx, "TEST_DATABASE_URL is not set");
    const u = new URL(testDatabaseUrl);
    u.pathname = `/tl_test_missing_${randomBytes(3).toString("hex")}`;
    const r = await runCli(dataDir, ["migrate"], { DATABASE_URL: u.toString() });
    expect(r.code).toBe(1);
    expect(r.stderr.trim().split("\n")).toEqual([expect.stringMatching(/^tuneloop migrate: database error: database "tl_test_missing_\w+" does not exist \(SQLSTATE 3D000\)$/)]);
  });
});

describe("retrain --wait on PostgreSQL", () => {
  const rows = Array.from({ length: 6 }, (_, i) => ({ instruction: `Say the number ${i} in words.`, input: "", output: `The number is ${["zero", "one", "two", "three", "four", "five"][i]}.` }));

  async function projectWithDemonstrations(url: string) {
    const env = { DATABASE_URL: url };
    const file = path.join(dataDir, "demos.json");
    fs.writeFileSync(file, JSON.stringify(rows));
    for (const args of [["project", "create", "--slug", "loop", "--name", "Loop"], ["import", file, "--project", "loop", "--format", "alpaca"]]) {
      const r = await runCli(dataDir, args, env);
      expect(r.code, `${args.join(" ")}: ${r.stderr}`).toBe(0);
    }
    return env;
  }

  it("says within seconds that no worker is taking jobs and how to start one, and keeps waiting", async (ctx) => {
    if (!testDatabaseUrl) skipBecause(ctx, "TEST_DATABASE_URL is not set (with the embedded database, retrain --wait runs the job itself)");
    const env = await projectWithDemonstrations(await emptyDatabase());
    const retrain = startCli(["retrain", "--project", "loop", "--base", "tiny", "--steps", "2", "--wait"], { ...env, TUNELOOP_DATA_DIR: dataDir });
    live.push(retrain);
    const out = await retrain.waitFor(/no worker is taking jobs/, 30_000);
    expect(out).toMatch(/Start one with `npm run worker`/);
    expect(retrain.child.exitCode).toBeNull(); // still waiting for a worker
  });

  it("with a live worker, says nothing of the kind and ends with the run's outcome in one line", async (ctx) => {
    if (!testDatabaseUrl) skipBecause(ctx, "TEST_DATABASE_URL is not set (with the embedded database, retrain --wait runs the job itself)");
    const env = await projectWithDemonstrations(await emptyDatabase());
    const worker = startCli(["worker"], { ...env, TUNELOOP_DATA_DIR: dataDir });
    live.push(worker);
    await worker.waitFor(/taking jobs on PostgreSQL/, 60_000);
    const retrain = startCli(["retrain", "--project", "loop", "--base", "tiny", "--steps", "2", "--wait"], { ...env, TUNELOOP_DATA_DIR: dataDir });
    live.push(retrain);
    const { code } = await retrain.exited;
    expect(retrain.output()).not.toMatch(/no worker is taking jobs/);
    expect(retrain.output()).toMatch(/Run [0-9a-f-]+ (succeeded|failed)/);
    expect(code).toBe(/succeeded/.test(retrain.output()) ? 0 : 1);
    expect(retrain.output()).not.toMatch(STACK_FRAME);
  });
});
