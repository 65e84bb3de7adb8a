// `tuneloop seed-drafts --project S (--source N | --version LABEL|active) [--n 10] [--k 6] [--json]`: a model source or version drafts new tasks from seed tasks, for review.
import { z } from "zod";
import { getConnection } from "@/db/client";
import { migrateDatabase } from "@/db/migrate";
import { parseInput } from "@/lib/errors";
import { draftTasksFromSeeds } from "@/lib/prompts/draft-from-seeds";
import { systemActor } from "@/lib/projects/projects";
import { draftFromSeedsInput } from "@/lib/validation/prompts";
import { parseFlags } from "../args";

export async function seedDraftsCommand(argv: string[]): Promise<number> {
  const { values } = parseFlags(
    argv,
    { project: { type: "string" }, source: { type: "string" }, version: { type: "string" }, n: { type: "string" }, k: { type: "string" }, json: { type: "boolean" } },
    z.object({ project: z.string({ message: "is required" }), source: z.string().optional(), version: z.string().optional(), n: z.string().optional(), k: z.string().optional(), json: z.boolean().optional() }).strict(),
  );
  await migrateDatabase(getConnection());
  const input = parseInput(
    draftFromSeedsInput,
    { projectSlug: values.project, ...(values.source ? { source: values.source } : {}), ...(values.version ? { version: values.version } : {}), ...(values.n ? { n: values.n } : {}), ...(values.k ? { k: values.k } : {}) },
    "prompt",
  );
  const out = await draftTasksFromSeeds(systemActor, input);
  console.log(
    values.json
      ? JSON.stringify(out, null, 2)
      : [`asked ${out.asked}: ${out.kept.length} new tasks submitted for review, ${out.tooSimilar} too similar (ROUGE-L > 0.7), ${out.empty} empty, ${out.failed} failed${out.lastError ? ` (${out.lastError})` : ""}`, ...out.kept.map((k) => `  ${k.instruction}`)].join("\n"),
  );
  return 0;
}
