// Integration runs on PostgreSQL leave per-process template databases behind; drop them at the end.
import pg from "pg";

export default function setup() {
  return async function teardown() {
    const url = process.env.TEST_DATABASE_URL;
    if (!url) return;
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      const { rows } = await client.query("select datname from pg_database where datname like 'tl\\_tpl\\_%' or datname like 'tl\\_test\\_%'");
      for (const { datname } of rows) await client.query(`drop database if exists ${datname} with (force)`);
    } finally {
      await client.end();
    }
  };
}
