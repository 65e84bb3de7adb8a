// The train job's held-out loss per category: the snapshot's SFT eval rows are mapped to their prompts' categories, and
// the trainer CLI's `evaluate --eval-groups` (a child process, as training is) computes each category's figures.
import "server-only";
import fs from "node:fs";
import path from "node:path";
import readline from "node:readline";
import { z } from "zod";
import { getDb } from "@/db/client";
import { listPromptCategories } from "@/db/queries/evaluation";
import { startTrainerProcess } from "@/lib/jobs/trainer-process";
import { categoryMetricEntries } from "./category-metrics";

/** What `tuneloop evaluate --eval-groups` prints: one JSON line (trainer/cli.ts). */
const evaluateOutput = z.object({
  sft: z.record(z.string(), z.number().nullable()),
  categories: z.record(z.string(), z.object({ loss: z.number(), perplexity: z.number(), se: z.number().nullable(), tokens: z.number(), examples: z.number() })),
});

/** Prompt ids of a snapshot's SFT eval rows (meta.promptId), read line by line: memory grows with the eval split's prompts. */
async function evalPromptIds(snapshotDir: string): Promise<string[]> {
  const file = path.join(snapshotDir, "sft.eval.jsonl");
  if (!fs.existsSync(file)) return [];
  const ids = new Set<string>();
  for await (const line of readline.createInterface({ input: fs.createReadStream(file) })) {
    if (!line.trim()) continue;
    const id = (JSON.parse(line) as { meta?: { promptId?: unknown } }).meta?.promptId;
    if (typeof id === "string") ids.add(id);
  }
  return [...ids];
}

/**
 * Per-category held-out figures of a checkpoint as metric entries (`eval/loss@<category>`, …; lib/evaluation/category-metrics.ts).
 * Empty when the snapshot has no SFT eval rows. Throws when the trainer fails; the caller decides whether that matters.
 */
export async function categoryEvalMetrics(opts: { projectId: string; snapshotDir: string; checkpoint: string; workDir: string }): Promise<Record<string, number>> {
  const ids = await evalPromptIds(opts.snapshotDir);
  if (!ids.length) return {};
  const rows = await listPromptCategories(getDb(), { projectId: opts.projectId, ids });
  const groupsFile = path.join(opts.workDir, "eval-groups.json");
  fs.writeFileSync(groupsFile, JSON.stringify(Object.fromEntries(rows.map((r) => [r.id, r.category]))));
  const watch = figuresOnce<z.infer<typeof evaluateOutput>>(parseFigures);
  const child = startTrainerProcess(["evaluate", "--model", opts.checkpoint, "--snapshot", opts.snapshotDir, "--eval-groups", groupsFile], () => {}, watch.onLine);
  const figures = await watch.awaitFigures(child);
  return categoryMetricEntries(figures.categories);
}

function parseFigures(line: string): z.infer<typeof evaluateOutput> | null {
  try {
    const parsed = evaluateOutput.safeParse(JSON.parse(line));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

/** How long a child that printed its figures may take to exit before it is killed. */
export const EXIT_GRACE_MS = 10_000;

/**
 * A child's one-line result, watched from its log lines. Once the figures are printed the child has ten seconds to exit;
 * one that hangs on its way out (seen in CI: `evaluate` printed its figures, then waited on a lock for ten minutes at
 * exit) is killed and the figures stand. Without figures, a failed exit throws with its last log line.
 */
export function figuresOnce<T>(parse: (line: string) => T | null, graceMs = EXIT_GRACE_MS) {
  let figures: T | null = null;
  let onFigures: (() => void) | null = null;
  return {
    onLine: (line: string) => {
      if (figures !== null) return;
      figures = parse(line);
      if (figures !== null) onFigures?.();
    },
    awaitFigures: async (child: { done: Promise<{ code: number | null; signal: NodeJS.Signals | null; logTail: string }>; stop: (signal?: NodeJS.Signals) => void }): Promise<T> => {
      let timer: NodeJS.Timeout | undefined;
      const arm = () => (timer = setTimeout(() => child.stop("SIGKILL"), graceMs));
      if (figures !== null) arm();
      else onFigures = arm;
      const exit = await child.done;
      clearTimeout(timer);
      if (figures !== null) return figures;
      if (exit.code !== 0) throw new Error(`evaluate exited with ${exit.code ?? exit.signal}: ${exit.logTail.trim().split("\n").at(-1) ?? ""}`);
      throw new Error("evaluate printed no figures");
    },
  };
}
