// `tuneloop migrate`: applies migrations to the configured database.
import { getConnection } from "@/db/client";
import { migrateDatabase } from "@/db/migrate";
import { parseFlags } from "../args";
import { z } from "zod";

export async function migrateCommand(argv: string[]): Promise<number> {
  parseFlags(argv, {}, z.object({}).strict());
  const conn = getConnection();
  await migrateDatabase(conn);
  console.log(`Migrations applied (${conn.kind === "pg" ? "PostgreSQL" : `embedded PGlite in ${conn.dataDir}`}).`);
  return 0;
}
