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
  const lines: string[] = [];
  const child = startTrainerProcess(["evaluate", "--model", opts.checkpoint, "--snapshot", opts.snapshotDir, "--eval-groups", groupsFile], () => {}, (line) => lines.push(line));
  const exit = await child.done;
  if (exit.code !== 0) throw new Error(`evaluate exited with ${exit.code ?? exit.signal}: ${exit.logTail.trim().split("\n").at(-1) ?? ""}`);
  for (const line of lines.reverse()) {
    let raw: unknown;
    try {
      raw = JSON.parse(line);
    } catch {
      continue;
    }
    const parsed = evaluateOutput.safeParse(raw);
    if (parsed.success) return categoryMetricEntries(parsed.data.categories);
  }
  throw new Error("evaluate printed no figures");
}
