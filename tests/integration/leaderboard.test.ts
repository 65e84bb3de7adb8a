// The leaderboard from a project's rankings; on real AlpacaEval judgments it reproduces the published win rates.
import fs from "node:fs";
import path from "node:path";
import { expect, it } from "vitest";
import { describeEachDatabase } from "../helpers/db";
import { makeActor } from "../helpers/actors";
import { seedProject } from "../helpers/seed";
import { importFile } from "@/lib/imports/import-file";
import { outcomesFromRankings, projectLeaderboard } from "@/lib/leaderboard/project-leaderboard";

const sharedData = path.resolve(import.meta.dirname, "../../../shared/data");
const hasShared = fs.existsSync(path.join(sharedData, "alpaca-eval-judgments.jsonl.gz"));

it("turns rankings into pairwise outcomes between generators, ties as ties", () => {
  const rows = [{ order: [["a"], ["b", "c"]], generators: { a: "m1", b: "m2", c: "m3" } }];
  expect(outcomesFromRankings(rows)).toEqual([
    { a: "m1", b: "m2", winner: "a" },
    { a: "m1", b: "m3", winner: "a" },
    { a: "m2", b: "m3", winner: "tie" },
  ]);
});

describeEachDatabase("leaderboard", () => {
  it.skipIf(!hasShared)("reproduces AlpacaEval's published win rates against text_davinci_003 within 0.01 points (needs ../shared/data)", async () => {
    const admin = await makeActor("admin");
    await seedProject({ slug: "eval" });
    await importFile(admin, { projectSlug: "eval", path: path.join(sharedData, "alpaca-eval-judgments.jsonl.gz"), format: "alpaca-eval-judgments" });
    const board = await projectLeaderboard(admin, { projectSlug: "eval", baseline: "text_davinci_003", rounds: 20 });
    const published = JSON.parse(fs.readFileSync(path.join(sharedData, "alpaca-eval-leaderboard.json"), "utf8")) as Array<{ model: string; win_rate: string; n_total: string }>;
    for (const row of published) {
      const ours = board.models.find((m) => m.model === row.model);
      expect(ours, row.model).toBeDefined();
      expect(Math.abs(ours!.vsBaseline!.winRate! - Number(row.win_rate)), row.model).toBeLessThan(0.01);
      expect(ours!.vsBaseline!.n).toBe(Number(row.n_total));
    }
    // Style control beside the raw ratings: a row per model, the judge's pull toward length positive, and the
    // longest writer (llama-2-70b-chat-hf, +1,310 characters over the baseline on average) loses ground.
    expect(board.style?.rows.map((r) => r.model).sort()).toEqual(board.models.map((m) => m.model).sort());
    expect(board.style!.coefficients.length).toBeGreaterThan(0);
    const llama = board.style!.rows.find((r) => r.model === "llama-2-70b-chat-hf")!;
    expect(llama.styleRating).toBeLessThan(board.models.find((m) => m.model === "llama-2-70b-chat-hf")!.rating);
    await expect(projectLeaderboard(admin, { projectSlug: "eval", baseline: "nobody" })).rejects.toMatchObject({ kind: "bad_request" });
    await expect(projectLeaderboard(await makeActor("annotator"), { projectSlug: "eval" })).rejects.toMatchObject({ kind: "forbidden" });
  });
});
