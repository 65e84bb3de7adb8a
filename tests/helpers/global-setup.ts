// Integration runs on PostgreSQL make per-process template and test databases named after this run; drop those at
// the end. Only this run's: a second run on the same server (another checkout, a concurrent CI) keeps its own.
import { randomBytes } from "node:crypto";
import pg from "pg";
import type { TestProject } from "vitest/node";

declare module "vitest" {
  export interface ProvidedContext {
    /** names this run's databases: tl_tpl_<run>_…, tl_test_<run>_… */
    testRunId: string;
  }
}

export default function setup(project: TestProject) {
  const run = randomBytes(3).toString("hex");
  project.provide("testRunId", run);
  return async function teardown() {
    const url = process.env.TEST_DATABASE_URL;
    if (!url) return;
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      const { rows } = await client.query("select datname from pg_database where datname like $1 or datname like $2", [`tl\\_tpl\\_${run}\\_%`, `tl\\_test\\_${run}\\_%`]);
      for (const { datname } of rows) await client.query(`drop database if exists ${datname} with (force)`);
    } finally {
      await client.end();
    }
  };
}
