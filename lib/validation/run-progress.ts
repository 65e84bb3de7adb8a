// What the run and model pages read from the trainer's contract (trainer/protocol.ts, pure zod): the web layer imports
// it from here, as app/ never imports trainer/.
export { METRIC_LABELS, RUN_PHASES, metricLabel, readRunProgress, type MemoryPlan, type RunPhase, type RunProgress, type StageSpan } from "@/trainer/protocol";
