// `tuneloop import FILE --project SLUG [--format F] [--language L] [--json]`: one all-or-nothing import with a progress bar.
import { SingleBar, Presets } from "cli-progress";
import { z } from "zod";
import { getConnection } from "@/db/client";
import { migrateDatabase } from "@/db/migrate";
import { formatNames } from "@/lib/formats/import";
import { importFile, type ImportProgress, type ImportSummary } from "@/lib/imports/import-file";
import { systemActor } from "@/lib/projects/projects";
import { parseFlags, UsageError } from "../args";
import { languageCodeInput } from "@/lib/languages/codes";

export async function importCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseFlags(
    argv,
    { project: { type: "string" }, format: { type: "string" }, language: { type: "string" }, json: { type: "boolean" } },
    z
      .object({
        project: z.string({ message: "is required" }),
        format: z.enum(formatNames, { message: `must be one of ${formatNames.join(", ")}` }).optional(),
        language: languageCodeInput.optional(),
        json: z.boolean().optional(),
      })
      .strict(),
  );
  if (positionals.length !== 1) throw new UsageError(`expected one FILE: import FILE --project SLUG [--format ${formatNames.join("|")}]`);
  const [file] = positionals;
  await migrateDatabase(getConnection());
  const progress = progressReporter(Boolean(process.stderr.isTTY) && !values.json);
  let summary: ImportSummary;
  try {
    summary = await importFile(systemActor, { projectSlug: values.project, path: file, format: values.format, language: values.language }, { onProgress: (p) => progress.update(p) });
  } finally {
    progress.stop();
  }
  if (values.json) console.log(JSON.stringify(summary));
  else {
    console.log(
      [
        `Imported ${file} into ${summary.project} (${summary.format ?? "empty file"}) in ${(summary.elapsedMs / 1000).toFixed(1)} s:`,
        `  rows read           ${summary.rowsRead}`,
        `  prompts             ${summary.prompts}`,
        `  joined existing     ${summary.joined}`,
        `  completions         ${summary.completions}`,
        `  rankings            ${summary.rankings}`,
        `  duplicates skipped  ${summary.duplicatesSkipped}`,
        // conversations: the earlier user turns (and the replies between them) the imported turns continue
        ...(summary.earlierTurns || summary.earlierReplies ? [`  earlier turns       ${summary.earlierTurns} (${summary.earlierReplies} replies)`] : []),
      ].join("\n"),
    );
  }
  return 0;
}

/** A bar on a terminal; elsewhere (CI, pipes) a plain line at each tenth of the file. Both on stderr. */
function progressReporter(tty: boolean) {
  if (tty) {
    const bar = new SingleBar(
      { format: "importing [{bar}] {percentage}% | {rows} rows | {prompts} prompts | {dups} duplicates", stream: process.stderr, hideCursor: true },
      Presets.shades_classic,
    );
    let started = false;
    return {
      update(p: ImportProgress) {
        const payload = { rows: p.rowsRead, prompts: p.prompts, dups: p.duplicatesSkipped };
        if (!started) {
          bar.start(Math.max(p.totalBytes, 1), 0, payload);
          started = true;
        }
        bar.update(Math.min(p.bytesRead, p.totalBytes), payload);
      },
      stop() {
        if (started) bar.stop();
      },
    };
  }
  let nextTenth = 1;
  return {
    update(p: ImportProgress) {
      const tenths = p.totalBytes ? Math.floor((10 * p.bytesRead) / p.totalBytes) : 0;
      if (tenths < nextTenth) return;
      nextTenth = tenths + 1;
      console.error(`importing: ${Math.min(tenths * 10, 100)}% of the file, ${p.rowsRead} rows, ${p.prompts} prompts, ${p.duplicatesSkipped} duplicates`);
    },
    stop() {},
  };
}
