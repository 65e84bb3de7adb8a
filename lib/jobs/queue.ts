// The process's pg-boss handle for sending jobs; the job runner installs its own when it starts.
import "server-only";
import type { PgBoss } from "pg-boss";
import { getConnection } from "@/db/client";
import { startBoss, type QueueName } from "./boss";

const holder = globalThis as unknown as { __tuneloopBoss?: Promise<PgBoss> };

export function setBoss(boss: PgBoss | undefined) {
  holder.__tuneloopBoss = boss ? Promise.resolve(boss) : undefined;
}

/** A sender-only instance (no maintenance) unless a runner in this process already started one. */
export function getBoss(): Promise<PgBoss> {
  holder.__tuneloopBoss ??= startBoss(getConnection(), { supervise: false });
  return holder.__tuneloopBoss;
}

export async function enqueue(queue: QueueName, data: Record<string, unknown>, opts: { singletonKey?: string } = {}): Promise<string | null> {
  const boss = await getBoss();
  return boss.send(queue, data, opts.singletonKey ? { singletonKey: opts.singletonKey } : {});
}

export async function stopBoss() {
  const boss = await holder.__tuneloopBoss?.catch(() => undefined);
  holder.__tuneloopBoss = undefined;
  await boss?.stop({ graceful: false }).catch(() => {});
}
