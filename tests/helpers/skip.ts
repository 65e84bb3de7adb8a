// Skips the running test with a reason that the run's summary line shows (tests/helpers/summarize.mjs reads it).
import type { TestContext } from "vitest";

declare module "vitest" {
  interface TaskMeta {
    skipReason?: string;
  }
}

/** Marks why, then skips. A reason starting "PostgreSQL only" is allowed on CI; any other fails a CI run. */
export function skipBecause(ctx: TestContext, reason: string): never {
  ctx.task.meta.skipReason = reason;
  return ctx.skip(reason);
}
