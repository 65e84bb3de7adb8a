// The operator's actor (CLI, scripts with shell access) and the retrain schedule's: admins with no user row, audited as actor null.
import type { SystemActor } from "@/lib/auth/roles";

export type { AnyActor, SystemActor } from "@/lib/auth/roles";

export const systemActor: SystemActor = Object.freeze({ id: null, email: "cli@tuneloop.local", name: "tuneloop CLI", role: "admin", via: "cli" });

/** Who starts scheduled runs: the operator, audited as actor null. */
export const scheduleActor: SystemActor = Object.freeze({ ...systemActor, name: "retrain schedule", via: "system" });
