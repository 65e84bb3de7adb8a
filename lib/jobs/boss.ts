// pg-boss on the project's database: over the pg pool on a server, over PGlite through pg-boss's `db` option.
import PgBoss from "pg-boss";
import type { Connection } from "@/db/client";

export const queues = ["export", "train", "generate", "evaluate"] as const;
export type QueueName = (typeof queues)[number];

type ExecuteSql = (text: string, values?: unknown[]) => Promise<{ rows: unknown[] }>;

/** pg-boss sends multi-statement scripts without parameters (its migrations); PGlite runs those with exec. */
function executorFor(conn: Connection): ExecuteSql {
  if (conn.kind === "pg") return (text, values) => conn.pool!.query(text, values as unknown[]);
  const pglite = conn.pglite!;
  return async (text, values) => {
    if (values && values.length) return pglite.query(text, values);
    const results = await pglite.exec(text);
    return results[results.length - 1] ?? { rows: [] };
  };
}

export async function startBoss(conn: Connection, opts: { supervise?: boolean; schedule?: boolean } = {}): Promise<PgBoss> {
  const boss = new PgBoss({
    db: { executeSql: executorFor(conn) } as never,
    schema: "pgboss",
    supervise: opts.supervise ?? true,
    schedule: opts.schedule ?? false,
  });
  boss.on("error", (e) => console.error("[tuneloop] job queue error:", e.message));
  await boss.start();
  for (const name of queues) {
    if (!(await boss.getQueue(name))) await boss.createQueue(name, { name, retryLimit: 3, retryDelay: 5, expireInSeconds: 4 * 3600 });
  }
  return boss;
}
