// Start-up for the web server process: apply migrations before any request is served.
import "server-only";
import { getConnection } from "@/db/client";
import { migrateDatabase } from "@/db/migrate";
import { env } from "@/lib/env";

const started = globalThis as unknown as { __tuneloopStarted?: Promise<void> };

export function startServer(): Promise<void> {
  started.__tuneloopStarted ??= (async () => {
    const conn = getConnection();
    await migrateDatabase(conn);
    console.log(`[tuneloop] database ready (${conn.kind === "pg" ? "PostgreSQL" : `embedded PGlite in ${conn.dataDir}`})`);
    // The embedded database belongs to this process, so the job runner lives here too (training itself
    // runs in a child process). With PostgreSQL, run `npm run worker` (one or many) instead.
    if (conn.kind === "pglite" && env().TUNELOOP_EMBEDDED_WORKER !== "0") {
      const { startJobRunner } = await import("@/lib/jobs/runner");
      const { killStoppedOrphans } = await import("@/lib/jobs/yield-to-requests");
      const orphans = killStoppedOrphans(env().dataDir);
      if (orphans.length) console.log(`[tuneloop] killed ${orphans.length} trainer process(es) left stopped by a server that died: ${orphans.join(", ")}`);
      await startJobRunner({ conn });
      console.log("[tuneloop] embedded job runner started");
    }
  })();
  return started.__tuneloopStarted;
}
