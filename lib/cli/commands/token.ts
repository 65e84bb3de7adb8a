// `tuneloop token create --email E [--name N]`: prints a new API token once (it acts as that person), for scripts and CI.
import { z } from "zod";
import { getConnection } from "@/db/client";
import { migrateDatabase } from "@/db/migrate";
import { createApiTokenForUser } from "@/lib/auth/tokens";
import { systemActor } from "@/lib/projects/system-actor";
import { parseFlags, UsageError } from "../args";

export async function tokenCommand(argv: string[]): Promise<number> {
  const [sub, ...rest] = argv;
  if (sub !== "create") throw new UsageError(`unknown subcommand "${sub ?? ""}"; expected: token create --email E [--name N] [--json]`);
  const { values } = parseFlags(
    rest,
    { email: { type: "string" }, name: { type: "string" }, json: { type: "boolean" } },
    z
      .object({
        email: z.email({ message: "must be an email address" }),
        name: z.string().trim().min(1, "must not be empty").max(100, "is at most 100 characters").default("cli"),
        json: z.boolean().optional(),
      })
      .strict(),
  );
  await migrateDatabase(getConnection());
  const t = await createApiTokenForUser(systemActor, { email: values.email, name: values.name });
  if (values.json) console.log(JSON.stringify({ id: t.id, name: t.name, email: t.email, role: t.role, token: t.token }));
  else {
    console.log(t.token);
    console.error(`Token "${t.name}" for ${t.email} (${t.role}). Shown once: store it now; revoke it on the Admin page.`);
  }
  return 0;
}
