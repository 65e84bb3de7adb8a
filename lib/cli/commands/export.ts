// `tuneloop export --project SLUG [--out DIR] [--pairing all|best-vs-rest|adjacent] [--format trl,openai,alpaca] [--eval-fraction F] [--category-caps C=N,…] [--category-weights C=W,…] [--templates T1,T2] [--language L] [--reexport ID]`,
// or `tuneloop export --project SLUG --oasst FILE`: the project's conversations as Open-Assistant message_tree JSONL.
import { z } from "zod";
import { getConnection } from "@/db/client";
import { migrateDatabase } from "@/db/migrate";
import { exportOasst } from "@/lib/conversations/oasst";
import { createExport, reexportSnapshot } from "@/lib/exports/snapshot";
import { systemActor } from "@/lib/projects/system-actor";
import { parseInput } from "@/lib/errors";
import { createExportInput, reexportSnapshotInput } from "@/lib/validation/exports";
import { parseFlags, UsageError } from "../args";

export async function exportCommand(argv: string[]): Promise<number> {
  const { values } = parseFlags(
    argv,
    {
      project: { type: "string" },
      out: { type: "string" },
      pairing: { type: "string" },
      format: { type: "string" },
      "eval-fraction": { type: "string" },
      "exclude-imported": { type: "boolean" },
      "min-margin": { type: "string" },
      "category-caps": { type: "string" },
      "category-weights": { type: "string" },
      language: { type: "string" },
      templates: { type: "string" },
      reexport: { type: "string" },
      oasst: { type: "string" },
      json: { type: "boolean" },
    },
    z.object({ project: z.string({ message: "is required" }), out: z.string().optional(), pairing: z.string().optional(), format: z.string().optional(), "eval-fraction": z.string().optional(), "exclude-imported": z.boolean().optional(), "min-margin": z.string().optional(), "category-caps": z.string().optional(), "category-weights": z.string().optional(), templates: z.string().optional(), language: z.string().optional(), reexport: z.string().optional(), oasst: z.string().optional(), json: z.boolean().optional() }).strict(),
  );
  await migrateDatabase(getConnection());
  const actor = systemActor;
  if (values.oasst) {
    const trees = await exportOasst(actor, { projectSlug: values.project, out: values.oasst });
    console.log(values.json ? JSON.stringify(trees) : `${trees.trees} conversation trees in ${trees.path}`);
    return 0;
  }
  let summary;
  if (values.reexport) {
    if (!values.out) throw new UsageError("--reexport needs --out DIR");
    summary = await reexportSnapshot(actor, parseInput(reexportSnapshotInput, { projectSlug: values.project, id: values.reexport, out: values.out }, "export"));
  } else {
    const options: Record<string, unknown> = {};
    if (values.pairing) options.pairing = values.pairing;
    if (values.format) options.formats = values.format.split(",").map((s) => s.trim());
    if (values["eval-fraction"]) options.evalFraction = values["eval-fraction"];
    if (values["exclude-imported"]) options.includeImported = false;
    if (values["min-margin"]) options.minMargin = values["min-margin"];
    // "coding=100,chat=2" and "plain,task": lib/validation/exports.ts reads the strings and names a bad entry.
    if (values["category-caps"]) options.categoryCaps = values["category-caps"];
    if (values["category-weights"]) options.categoryWeights = values["category-weights"];
    if (values.language) options.language = values.language;
    if (values.templates) options.templates = values.templates;
    summary = await createExport(actor, parseInput(createExportInput, { projectSlug: values.project, out: values.out, options }, "export"), { onProgress: (n) => !values.json && process.stderr.write(`\r${n} prompts curated`) });
  }
  if (values.json) console.log(JSON.stringify(summary));
  else {
    console.log(`\nSnapshot ${summary.id} in ${summary.dir}`);
    for (const [file, n] of Object.entries(summary.counts)) console.log(`  ${file.padEnd(32)} ${n}`);
    console.log(`  duplicates collapsed: ${summary.duplicates.exact} exact, ${summary.duplicates.near} near`);
  }
  return 0;
}
