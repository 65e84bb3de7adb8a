// The `collect` job: model sources answer the prompts short of K outputs (lib/sources/collect.ts does the work).
import { z } from "zod";
import { parseInput } from "@/lib/errors";
import { runCollect } from "@/lib/sources/collect-run";

export const collectJobInput = z.object({ collectRunId: z.uuid() }).strict();

export async function runCollectJob(data: unknown) {
  const { collectRunId } = parseInput(collectJobInput, data, "job");
  return runCollect(collectRunId);
}
