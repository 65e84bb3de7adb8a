// `tuneloop collect --project S --source N [--source N2 …] [--prompts K] [--wait] [--json]`: model sources answer prompts short of K outputs.
import { z } from "zod";
import { getConnection } from "@/db/client";
import { migrateDatabase } from "@/db/migrate";
import { describeFieldErrors, zodFieldErrors } from "@/lib/errors";
import { startJobRunner } from "@/lib/jobs/runner";
import { stopBoss } from "@/lib/jobs/queue";
import { systemActor } from "@/lib/projects/system-actor";
import { getCollectRun, startCollect, type CollectRunView } from "@/lib/sources/collect";
import { collectInput } from "@/lib/validation/sources";
import { parseFlags, UsageError } from "../args";

const flagOf: Record<string, string> = { projectSlug: "project", sources: "source", prompts: "prompts" };

function summary(r: CollectRunView): string {
  const lines = [`Collect run ${r.id} ${r.status}: ${r.progress.outputs} outputs for ${r.progress.done}/${r.progress.prompts} prompts`];
  for (const s of r.sources) lines.push(`  ${s.name}: ${s.outputs} outputs, ${s.failures} failed prompts${s.status === "failing" ? `, FAILING: ${s.lastError}` : s.lastError ? ` (last error: ${s.lastError})` : ""}`);
  return lines.join("\n");
}

export async function collectCommand(argv: string[]): Promise<number> {
  const { values: v } = parseFlags(
    argv,
    { project: { type: "string" }, source: { type: "string", multiple: true }, prompts: { type: "string" }, wait: { type: "boolean" }, json: { type: "boolean" } },
    z.object({ project: z.string().optional(), source: z.array(z.string()).optional(), prompts: z.string().optional(), wait: z.boolean().optional(), json: z.boolean().optional() }).strict(),
  );
  const parsed = collectInput.safeParse({ projectSlug: v.project, sources: v.source ?? [], prompts: v.prompts });
  if (!parsed.success) {
    const errors = Object.fromEntries(Object.entries(zodFieldErrors(parsed.error)).map(([k, m]) => [`--${flagOf[k.split(".")[0]] ?? k}`, m]));
    throw new UsageError(describeFieldErrors(errors));
  }
  const conn = getConnection();
  await migrateDatabase(conn);
  const started = await startCollect(systemActor, parsed.data);
  if (!v.wait) {
    console.log(v.json ? JSON.stringify(started) : `Queued collect run ${started.id}.`);
    await stopBoss();
    return 0;
  }
  // The embedded database has no other process to take the job: run the job runner here while waiting.
  const runner = conn.kind === "pglite" ? await startJobRunner({ conn, pollSeconds: 0.5 }) : null;
  try {
    let last = -1;
    for (;;) {
      const run = await getCollectRun(systemActor, parsed.data.projectSlug, started.id);
      if (run.progress.done !== last) {
        last = run.progress.done;
        if (v.json) console.log(JSON.stringify({ type: "progress", id: run.id, ...run.progress }));
        else process.stderr.write(`\r${run.status} ${run.progress.done}/${run.progress.prompts} prompts, ${run.progress.outputs} outputs   `);
      }
      if (run.status !== "queued" && run.status !== "running") {
        if (v.json) console.log(JSON.stringify({ type: "done", ...run }));
        else console.log(`\n${summary(run)}`);
        // 0 only when every source answered: a failing source is worth a script's attention.
        return run.status === "succeeded" && run.sources.every((s) => s.status === "ok") ? 0 : 1;
      }
      await new Promise((r) => setTimeout(r, 500));
    }
  } finally {
    await runner?.stop();
    await stopBoss();
  }
}
