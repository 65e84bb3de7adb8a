// `tuneloop worker` (npm run worker): a job runner against the configured database, until SIGINT/SIGTERM.
import { z } from "zod";
import { getConnection } from "@/db/client";
import { migrateDatabase } from "@/db/migrate";
import { startJobRunner } from "@/lib/jobs/runner";
import { parseFlags } from "../args";

export async function workerCommand(argv: string[]): Promise<number> {
  parseFlags(argv, {}, z.object({}).strict());
  const conn = getConnection();
  await migrateDatabase(conn);
  const runner = await startJobRunner({ conn });
  console.log(`[tuneloop] worker ${process.pid} taking jobs on ${conn.kind === "pg" ? "PostgreSQL" : "the embedded database"}`);
  await new Promise<void>((resolve) => {
    process.once("SIGINT", resolve);
    process.once("SIGTERM", resolve);
  });
  await runner.stop();
  return 0;
}
