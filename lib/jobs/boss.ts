// pg-boss on the project's database: over the pg pool on a server, over PGlite through pg-boss's own adapter.
import "server-only";
import { PgBoss, fromPglite, type ConstructorOptions, type Db } from "pg-boss";
import type { Connection } from "@/db/client";
import { withMigrationLock } from "@/db/migrate";

export const queues = ["export", "train", "generate", "evaluate", "collect", "import-model", "webhook", "moderate", "score", "seed-drafts"] as const;
export type QueueName = (typeof queues)[number];
export type Boss = PgBoss;

/** pg-boss's schema; the test helpers read its job table by this name. */
export const BOSS_SCHEMA = "pgboss";

/** A worker refreshes its row in pg-boss's instance registry this often; it reads as gone after three missed beats. */
export const WORKER_HEARTBEAT_SECONDS = 5;

/** The app's pool runs pg-boss's statements: no second pool per process. Multi-statement scripts have no parameters. */
function databaseFor(conn: Connection): Db {
  if (conn.kind === "pglite") return fromPglite(conn.pglite!);
  const pool = conn.pool!;
  return {
    executeSql: async (text: string, values?: unknown[]) => {
      const result = (await pool.query(text, values)) as unknown as { rows: unknown[] } | { rows: unknown[] }[];
      // node-postgres answers a multi-statement script with one result per statement.
      return Array.isArray(result) ? { rows: result.flatMap((r) => r.rows ?? []) } : result;
    },
  };
}

export type BossRole = { supervise?: boolean; schedule?: boolean; instanceName?: string; heartbeatSeconds?: number };

/**
 * Starts pg-boss: installs or migrates its schema and creates the queues under the same advisory lock as the app's
 * migrations, so processes starting together on a fresh PostgreSQL take turns (pg-boss alone raced: a duplicate
 * pg_namespace row, or a deadlock in createQueue).
 */
export async function startBoss(conn: Connection, role: BossRole = {}): Promise<PgBoss> {
  const options: ConstructorOptions = {
    db: databaseFor(conn),
    backend: conn.kind === "pglite" ? "pglite" : "postgres",
    schema: BOSS_SCHEMA,
    supervise: role.supervise ?? true,
    schedule: role.schedule ?? false,
    // Senders (web requests, the CLI) leave no row in the registry; workers on PostgreSQL do, and their heartbeat is
    // how `retrain --wait` knows whether anyone takes jobs. The embedded database has one process and no one to ask.
    registerInstance: role.instanceName !== undefined && conn.kind === "pg",
    ...(role.instanceName ? { instanceName: role.instanceName, instanceHeartbeatSeconds: role.heartbeatSeconds ?? WORKER_HEARTBEAT_SECONDS } : {}),
    openTelemetry: { enabled: false },
  };
  const boss = new PgBoss(options);
  boss.on("error", (e: Error) => console.error("[tuneloop] job queue error:", e.message));
  await withMigrationLock(conn, async () => {
    await boss.start();
    for (const name of queues) {
      // An import whose runner died is retried after its expiry, and its folder cannot be imported again meanwhile (409):
      // half an hour, far more than converting a 1B model takes.
      // Webhook deliveries retry on their own schedule (lib/webhooks/deliver.ts), so pg-boss does not retry them.
      // So do safety screenings (lib/screening/moderate.ts): a text that failed waits its backoff in the screenings table.
      // A seed-drafts job is not retried either: a second attempt would ask the model again and could store a second batch.
      if (!(await boss.getQueue(name)))
        await boss.createQueue(
          name,
          name === "webhook" || name === "moderate" ? { retryLimit: 0, expireInSeconds: 300 } : name === "seed-drafts" ? { retryLimit: 0, expireInSeconds: 3600 } : { retryLimit: 3, retryDelay: 5, expireInSeconds: name === "import-model" ? 1800 : 4 * 3600 },
        );
    }
  });
  return boss;
}

/** Live pg-boss instances with a worker on `queue` (their heartbeat within three beats). */
export async function liveWorkers(boss: PgBoss, queue: QueueName): Promise<{ id: string; pid: number; host: string }[]> {
  const instances = await boss.getInstances();
  return instances.filter((i) => i.live && i.workers.some((w) => w.queue === queue)).map((i) => ({ id: i.id, pid: i.pid, host: i.host }));
}
