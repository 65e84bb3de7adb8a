// The actor for operator commands (CLI, scripts with shell access): an admin with no user row, audited as actor null.
import type { Actor } from "@/lib/auth/roles";

export type SystemActor = Omit<Actor, "id"> & { id: null };

/** Whoever can run the CLI can read the data folder or DATABASE_URL already; acting as admin gives them nothing more. */
export const systemActor: SystemActor = Object.freeze({ id: null, email: "cli@tuneloop.local", name: "tuneloop CLI", role: "admin", via: "cli" });

/** A signed-in person or token, or the operator. */
export type AnyActor = Actor | SystemActor;
