// Start-up for the web server process: apply migrations before any request is served.
import { getConnection } from "@/db/client";
import { migrateDatabase } from "@/db/migrate";

const started = globalThis as unknown as { __tuneloopStarted?: Promise<void> };

export function startServer(): Promise<void> {
  started.__tuneloopStarted ??= (async () => {
    const conn = getConnection();
    await migrateDatabase(conn);
    console.log(`[tuneloop] database ready (${conn.kind === "pg" ? "PostgreSQL" : `embedded PGlite in ${conn.dataDir}`})`);
  })();
  return started.__tuneloopStarted;
}
