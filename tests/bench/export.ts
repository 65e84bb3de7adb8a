// Benchmark: export of 200,000 settled prompts (4 completions, 3 rankings each) against PostgreSQL's own COPY of the
// same rows in the same run. Targets: ≥ 40% of COPY's pair rate, peak RSS < 300 MB.
import { randomBytes } from "node:crypto";
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { sql } from "drizzle-orm";
import pg from "pg";
import { connectPostgres, setConnection } from "@/db/client";
import { migrateDatabase } from "@/db/migrate";
import { createExport } from "@/lib/exports/snapshot";
import { systemActor } from "@/lib/projects/system-actor";
import { report } from "./common";
import type { AnyActor } from "@/lib/auth/roles";
import { withInput } from "../helpers/input";
import { createExportInput } from "@/lib/validation/exports";

/** Parsed at the boundary first, as the action, route and CLI do. */
const createExportVia = (actor: AnyActor, raw: unknown) => withInput(createExportInput, raw, (input) => createExport(actor, input));

const serverUrl = process.env.BENCH_DATABASE_URL ?? process.env.TEST_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";
const N = Number(process.env.BENCH_PROMPTS ?? 200_000);
const name = `tl_bench_${randomBytes(4).toString("hex")}`;
const admin = new pg.Client({ connectionString: serverUrl });
await admin.connect();
await admin.query(`create database ${name}`);
const u = new URL(serverUrl);
u.pathname = `/${name}`;
const conn = connectPostgres(u.toString(), { max: 4 });
try {
  await migrateDatabase(conn);
  setConnection(conn);
  const t0 = Date.now();
  const [project] = (await conn.db.execute(sql`insert into projects (slug, name, categories, settings) values ('bench', 'bench', '["open QA"]',
    '{"k":4,"overlap":3,"agreementThreshold":0.5,"goldRate":0,"reviseHours":24,"leaseMinutes":30}') returning id`)).rows as Array<{ id: string }>;
  // Distinct instructions (a random word salad per prompt) so dedup keeps them all.
  await conn.db.execute(sql`insert into prompts (project_id, instruction, source, status, settled, ranking_count, created_at)
    select ${project.id}, 'Explain item ' || g || ' ' || md5(g::text) || ' ' || md5((g * 7)::text), 'import', 'approved', true, 3, now() - interval '1 minute'
    from generate_series(1, ${N}) g`);
  await conn.db.execute(sql`insert into completions (prompt_id, text, source, generator, created_at)
    select p.id, 'Answer ' || k || ' ' || md5(p.id::text || k), 'model', 'm' || k, now() - interval '1 minute' from prompts p cross join generate_series(1, 4) k`);
  await conn.db.execute(sql`insert into rankings (prompt_id, source, "order", created_at)
    select p.id, 'import', (select jsonb_agg(jsonb_build_array(c.id) order by c.generator) from completions c where c.prompt_id = p.id), now() - interval '1 minute'
    from prompts p cross join generate_series(1, 3)`);
  await conn.db.execute(sql`analyze`);
  const seedSeconds = (Date.now() - t0) / 1000;

  // Baseline: PostgreSQL's COPY of the same rows the export reads (prompts with their completions and rankings).
  const copySql = `copy (select p.id, p.instruction, (select json_agg(c.*) from completions c where c.prompt_id = p.id), (select json_agg(r.*) from rankings r where r.prompt_id = p.id) from prompts p order by p.id) to stdout`;
  const c0 = performance.now();
  const copy = spawnSync("psql", [u.toString(), "-qAtc", copySql], { maxBuffer: 4 * 2 ** 30, stdio: ["ignore", "ignore", "inherit"] });
  const copySeconds = (performance.now() - c0) / 1000;
  if (copy.status !== 0) throw new Error("psql COPY failed");
  // Each prompt's consensus order of 4 gives 6 pairs.
  const pairsExpected = N * 6;

  let peakRss = process.memoryUsage().rss;
  const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 50);
  const out = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "tl-bench-")), "snap");
  const e0 = performance.now();
  const snap = await createExportVia(systemActor, { projectSlug: "bench", out });
  const exportSeconds = (performance.now() - e0) / 1000;
  clearInterval(sampler);
  const pairs = snap.counts["preference.train.jsonl"] + snap.counts["preference.eval.jsonl"];
  fs.rmSync(path.dirname(out), { recursive: true, force: true });
  const pairsPerSec = pairs / exportSeconds;
  const copyPairsPerSec = pairsExpected / copySeconds;
  const ratio = pairsPerSec / copyPairsPerSec;
  const peakRssMB = Math.round(peakRss / 2 ** 20);
  report({
    bench: "export",
    figures: { prompts: N, pairs, exportSeconds, pairsPerSec: Math.round(pairsPerSec), peakRssMB, seedSeconds },
    baseline: { copySeconds, copyPairsPerSec: Math.round(copyPairsPerSec) },
    ratio,
    targets: { ratio: 0.4, peakRssMB: 300 },
    met: { ratio: ratio >= 0.4, peakRssMB: peakRssMB < 300 },
  });
} finally {
  setConnection(undefined);
  await conn.close();
  await admin.query(`drop database if exists ${name} with (force)`);
  await admin.end();
}
