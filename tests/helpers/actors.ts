// Per-role fixtures for lib/ tests: real users in the test database, returned as actors.
import { addUser } from "@/lib/auth/accounts";
import type { Actor, Role } from "@/lib/auth/roles";

let counter = 0;

export async function makeActor(role: Role, name?: string): Promise<Actor> {
  counter += 1;
  const label = name ?? `${role}${counter}`;
  const user = await addUser({ email: `${label.toLowerCase()}@example.test`, name: label, role, password: "correct horse battery" });
  return { id: user.id, email: user.email, name: user.name, role: user.role, via: "session" };
}
