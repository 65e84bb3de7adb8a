// The live writer of a running run, shared by the built-in trainer (train-job) and external launchers (run-launcher):
// metric rows, progress, heartbeat and log tail written at most once a second, and the cancel flag read as often.
import "server-only";
import type { DbOrTx } from "@/db/client";
import * as q from "@/db/queries/runs";
import type { NewTrainingMetric } from "@/db/schema";
import type { RunProgress } from "@/trainer/protocol";

const FLUSH_MS = 1_000;

export type RunWriterSource = {
  /** the progress now; a new object means something changed (callers replace it, never mutate it) */
  progress: () => RunProgress;
  /** the log tail to store, read only after a log line arrived */
  logTail: () => string;
  /** called once, when the run's cancel flag is first seen */
  onCancel: () => void;
  /** what the warning names when a write fails ("progress", "launcher progress") */
  what: string;
};

export type RunWriter = {
  addMetrics: (rows: NewTrainingMetric[]) => void;
  logChanged: () => void;
  /** writes once a second from now on */
  start: () => void;
  /** stops the timer and writes the metric rows still pending */
  stop: () => Promise<void>;
  /** whether the cancel flag was seen */
  cancelled: () => boolean;
};

/** A write on the embedded database holds the web server's thread: progress is written only when a step brought something new. */
export function createRunWriter(db: DbOrTx, runId: string, src: RunWriterSource): RunWriter {
  let pending: NewTrainingMetric[] = [];
  let logChanged = false;
  let cancelled = false;
  let written = src.progress();
  let timer: ReturnType<typeof setInterval> | undefined;
  const flush = async () => {
    const rows = pending;
    pending = [];
    try {
      let current;
      const progress = src.progress();
      if (rows.length || progress !== written || logChanged) {
        await q.insertMetrics(db, rows);
        written = progress;
        const logTail = logChanged ? src.logTail() : undefined;
        logChanged = false;
        current = await q.updateRun(db, runId, { progress, heartbeatAt: new Date(), ...(logTail !== undefined ? { logTail } : {}) });
      } else current = await q.getRunById(db, runId);
      if (current?.cancelRequested && !cancelled) {
        cancelled = true;
        src.onCancel();
      }
    } catch (e) {
      console.warn(`[tuneloop] could not write ${src.what}:`, (e as Error).message);
    }
  };
  return {
    addMetrics: (rows) => void pending.push(...rows),
    logChanged: () => void (logChanged = true),
    start: () => void (timer = setInterval(() => void flush(), FLUSH_MS)),
    stop: async () => {
      clearInterval(timer);
      const rows = pending;
      pending = [];
      await q.insertMetrics(db, rows);
    },
    cancelled: () => cancelled,
  };
}
