// `tuneloop user add --email E --role R [--name N]`: the password is read from standard input.
import { z } from "zod";
import { getConnection } from "@/db/client";
import { migrateDatabase } from "@/db/migrate";
import { addUser } from "@/lib/auth/accounts";
import { parseInput } from "@/lib/errors";
import { addUserInput } from "@/lib/validation/users";
import { parseFlags, readStdin, UsageError } from "../args";

export async function userCommand(argv: string[]): Promise<number> {
  const [sub, ...rest] = argv;
  if (sub !== "add") throw new UsageError(`unknown subcommand "${sub ?? ""}"; expected: user add --email E --role R`);
  const { values } = parseFlags(
    rest,
    { email: { type: "string" }, role: { type: "string" }, name: { type: "string" } },
    z.object({ email: z.string({ message: "is required" }), role: z.string({ message: "is required" }), name: z.string().optional() }).strict(),
  );
  const password = (await readStdin()).replace(/\r?\n$/, "");
  if (!password) throw new UsageError("no password on standard input (e.g. `echo \"$PASSWORD\" | tuneloop user add …`)");
  const input = parseInput(addUserInput, { ...values, password }, "user");
  await migrateDatabase(getConnection());
  const user = await addUser(input);
  console.log(`Created ${user.role} ${user.email} (${user.id}).`);
  return 0;
}
