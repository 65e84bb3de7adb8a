// `tuneloop leaderboard --project SLUG [--baseline NAME] [--json]`.
import { z } from "zod";
import { getConnection } from "@/db/client";
import { migrateDatabase } from "@/db/migrate";
import { projectLeaderboard } from "@/lib/leaderboard/project-leaderboard";
import { systemActor } from "@/lib/projects/system-actor";
import { parseFlags } from "../args";

export async function leaderboardCommand(argv: string[]): Promise<number> {
  const { values } = parseFlags(
    argv,
    { project: { type: "string" }, baseline: { type: "string" }, rounds: { type: "string" }, json: { type: "boolean" } },
    z.object({ project: z.string({ message: "is required" }), baseline: z.string().optional(), rounds: z.coerce.number().int().min(1).max(10_000).optional(), json: z.boolean().optional() }).strict(),
  );
  await migrateDatabase(getConnection());
  const board = await projectLeaderboard(systemActor, { projectSlug: values.project, baseline: values.baseline, rounds: values.rounds });
  if (values.json) {
    console.log(JSON.stringify(board));
    return 0;
  }
  console.log(`Leaderboard of ${values.project} (${board.outcomes} pairwise outcomes; win rate vs ${board.baseline}, ties half)`);
  console.log(`${"model".padEnd(36)} ${"win %".padStart(7)} ${"± se".padStart(6)} ${"n".padStart(6)} ${"rating".padStart(7)} ${"style".padStart(7)} ${"move".padStart(4)}  95% CI`);
  const style = new Map((board.style?.rows ?? []).map((r) => [r.model, r]));
  for (const m of board.models) {
    const w = m.vsBaseline;
    console.log(`${m.model.padEnd(36)} ${(w?.winRate?.toFixed(2) ?? "—").padStart(7)} ${(w?.standardError?.toFixed(2) ?? "").padStart(6)} ${String(w?.n ?? "").padStart(6)} ${m.rating.toFixed(0).padStart(7)} ${(style.get(m.model)?.styleRating.toFixed(0) ?? "").padStart(7)} ${(style.has(m.model) ? (style.get(m.model)!.rankShift > 0 ? "+" : "") + style.get(m.model)!.rankShift : "").padStart(4)}  [${m.ratingCi[0].toFixed(0)}, ${m.ratingCi[1].toFixed(0)}]`);
  }
  return 0;
}
