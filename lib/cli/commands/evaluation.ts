// `tuneloop evaluation --project SLUG [--json]`: per model version and category, held-out loss, win rates and output lengths.
import { z } from "zod";
import { getConnection } from "@/db/client";
import { migrateDatabase } from "@/db/migrate";
import { projectEvaluation } from "@/lib/evaluation/evaluation";
import type { Mark, WinCell } from "@/lib/evaluation/compare";
import { systemActor } from "@/lib/projects/system-actor";
import { parseFlags } from "../args";

const sign = (m: Mark) => (m === "improved" ? " ▲" : m === "regressed" ? " ▼" : "");
const win = (w: WinCell | null) => (w && w.winRate !== null ? `${w.winRate.toFixed(1)}% [${w.ci![0].toFixed(0)}, ${w.ci![1].toFixed(0)}] n=${w.n}${sign(w.mark)}` : "—");

export async function evaluationCommand(argv: string[]): Promise<number> {
  const { values } = parseFlags(argv, { project: { type: "string" }, json: { type: "boolean" } }, z.object({ project: z.string({ message: "is required" }), json: z.boolean().optional() }).strict());
  await migrateDatabase(getConnection());
  const ev = await projectEvaluation(systemActor, { projectSlug: values.project });
  if (values.json) {
    console.log(JSON.stringify(ev));
    return 0;
  }
  console.log(`Evaluation of ${ev.project.slug}: ${ev.versions.length} version${ev.versions.length === 1 ? "" : "s"}; win rates with a ${ev.method.interval}; ▲/▼ where the interval excludes 50% (≥ ${ev.method.minJudgments} judgments) or the loss moved beyond ${ev.method.lossNoiseZ} standard errors`);
  for (const v of ev.versions) {
    console.log(`\n${v.label}${v.isActive ? " (active)" : ""}  held-out loss ${v.loss?.toFixed(4) ?? "—"}  perplexity ${v.perplexity?.toFixed(2) ?? "—"}  previous ${v.previous ?? "—"}`);
    console.log(`  ${"category".padEnd(24)} ${"loss".padEnd(12)} ${"vs previous".padEnd(30)} ${"vs active".padEnd(30)} length (mean/median chars)`);
    const rows: Array<[string, (typeof v.byCategory)[string] | (typeof v.all & { loss: null })]> = [["(all)", { ...v.all, loss: null }], ...ev.categories.filter((c) => v.byCategory[c]).map((c) => [c, v.byCategory[c]] as [string, (typeof v.byCategory)[string]])];
    for (const [c, cell] of rows) {
      const loss = cell.loss ? `${cell.loss.loss.toFixed(4)}${sign(cell.loss.mark)}` : "—";
      const len = cell.length ? `${cell.length.meanChars.toFixed(0)}/${cell.length.medianChars.toFixed(0)} (${cell.length.outputs})` : "—";
      console.log(`  ${c.padEnd(24)} ${loss.padEnd(12)} ${win(cell.vsPrevious).padEnd(30)} ${win(cell.vsActive).padEnd(30)} ${len}`);
    }
  }
  return 0;
}
