// `tuneloop retrain --project S [--stage …] [--base tiny|small|active|CKPT] [--steps N] [--wait] [--json]`:
// queues a training run; with --wait follows it until it ends (exit 0 only if it succeeded).
import { z } from "zod";
import { getConnection } from "@/db/client";
import { migrateDatabase } from "@/db/migrate";
import { parseInput } from "@/lib/errors";
import { startJobRunner } from "@/lib/jobs/runner";
import { liveWorkers, WORKER_HEARTBEAT_SECONDS } from "@/lib/jobs/boss";
import { getBoss, stopBoss } from "@/lib/jobs/queue";
import { systemActor } from "@/lib/projects/system-actor";
import { createRun, getRun } from "@/lib/runs/runs";
import { createRunInput } from "@/lib/validation/runs";
import { parseFlags } from "../args";

export async function retrainCommand(argv: string[]): Promise<number> {
  const { values } = parseFlags(
    argv,
    { project: { type: "string" }, stage: { type: "string" }, base: { type: "string" }, steps: { type: "string" }, snapshot: { type: "string" }, wait: { type: "boolean" }, json: { type: "boolean" } },
    z.object({ project: z.string({ message: "is required" }), stage: z.string().optional(), base: z.string().optional(), steps: z.string().optional(), snapshot: z.string().optional(), wait: z.boolean().optional(), json: z.boolean().optional() }).strict(),
  );
  const input = parseInput(
    createRunInput,
    {
      projectSlug: values.project,
      ...(values.stage ? { stage: values.stage } : {}),
      ...(values.base ? { base: values.base } : {}),
      ...(values.snapshot ? { snapshotId: values.snapshot } : {}),
      hyperparameters: values.steps ? { steps: values.steps } : {},
    },
    "run",
  );
  const conn = getConnection();
  await migrateDatabase(conn);
  const actor = systemActor;
  const { id } = await createRun(actor, input);
  if (!values.wait) {
    console.log(values.json ? JSON.stringify({ id, status: "queued" }) : `Queued run ${id}.`);
    await stopBoss();
    return 0;
  }
  // The embedded database has no other process to take the job: run the job runner here while waiting.
  const runner = conn.kind === "pglite" ? await startJobRunner({ conn, pollSeconds: 0.5 }) : null;
  const noWorker = runner ? null : noWorkerWarning();
  try {
    let lastStep = -1;
    let lastPhase: string | undefined;
    for (;;) {
      const { run } = await getRun(actor, id);
      if (run.status === "queued") await noWorker?.check();
      const p = run.progress;
      // Between steps (export, reference scoring, saving, evaluation) the phase says what the run is doing.
      if (!values.json && run.status === "running" && p.phase && p.phase !== lastPhase && p.phase !== "training") process.stderr.write(`\n${p.phase}${p.stage ? ` (${p.stage})` : ""}…`);
      lastPhase = p.phase;
      if (typeof p.step === "number" && p.step !== lastStep) {
        lastStep = p.step;
        if (values.json) console.log(JSON.stringify({ type: "progress", id, ...p }));
        else process.stderr.write(`\r${run.status} ${p.stage ?? ""} step ${p.step}/${p.totalSteps} loss ${Number(p.loss).toFixed(4)} ${p.tokensPerSec} tok/s   `);
      }
      if (["succeeded", "failed", "cancelled"].includes(run.status)) {
        if (values.json) console.log(JSON.stringify({ type: "done", id, status: run.status, error: run.error, modelVersionId: run.resultModelVersionId }));
        // A failed run's error is the trainer's own reason (its error event), e.g. what the snapshot lacks.
        else console.log(`\nRun ${id} ${run.status}${run.error ? `: ${run.error}` : ""}`);
        return run.status === "succeeded" ? 0 : 1;
      }
      await new Promise((r) => setTimeout(r, 1000));
    }
  } finally {
    await runner?.stop();
    await stopBoss();
  }
}

/** How long a queued run may wait before the CLI looks for a worker: one heartbeat, so a worker just started counts. */
const NO_WORKER_GRACE_MS = WORKER_HEARTBEAT_SECONDS * 1000;

/**
 * While the run is still queued, says once (on stderr) that no live worker is taking train jobs and how to start
 * one; a worker that registers later simply picks the run up.
 */
function noWorkerWarning() {
  const since = Date.now();
  let said = false;
  return {
    async check() {
      if (said || Date.now() - since < NO_WORKER_GRACE_MS) return;
      if ((await liveWorkers(await getBoss(), "train")).length > 0) return;
      said = true;
      console.error(
        "tuneloop retrain: no worker is taking jobs on this database. Start one with `npm run worker` " +
          "(same DATABASE_URL); the run stays queued and this command keeps waiting (Ctrl-C stops waiting).",
      );
    },
  };
}
