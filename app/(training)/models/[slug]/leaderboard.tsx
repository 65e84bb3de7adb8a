// The leaderboard: win rate against a baseline and Bradley–Terry ratings with bootstrap intervals, as a table and a chart.
import { Card } from "@/app/_components/form";
import type { Leaderboard } from "@/lib/leaderboard/leaderboard";
import { RatingChart } from "./rating-chart";

export function LeaderboardCard({ board }: { board: (Leaderboard & { outcomes: number }) | null }) {
  return (
    <Card title="Leaderboard">
      {!board || board.outcomes === 0 ? (
        <p className="text-sm text-slate-600 dark:text-slate-400">No rankings between different generators yet.</p>
      ) : (
        <div className="space-y-4" data-testid="leaderboard">
          <p className="text-sm text-slate-600 dark:text-slate-400">
            {board.outcomes} pairwise outcomes. Win rate against <strong>{board.baseline}</strong> (ties count half); ratings on an Elo-like scale with {Math.round(board.confidence * 100)}% bootstrap intervals ({board.rounds} resamples).
          </p>
          <table className="w-full text-left text-sm">
            <thead className="text-slate-500">
              <tr>
                <th className="py-1">model</th>
                <th className="text-right">win rate %</th>
                <th className="text-right">± se</th>
                <th className="text-right">n</th>
                <th className="text-right">rating</th>
                <th className="text-right">interval</th>
              </tr>
            </thead>
            <tbody>
              {board.models.map((m) => (
                <tr key={m.model} className="border-t border-slate-100 dark:border-slate-800" data-testid="leaderboard-row">
                  <td className="py-1 font-mono">{m.model}</td>
                  <td className="text-right tabular-nums">{m.vsBaseline?.winRate?.toFixed(2) ?? "baseline"}</td>
                  <td className="text-right tabular-nums">{m.vsBaseline?.standardError?.toFixed(2) ?? ""}</td>
                  <td className="text-right tabular-nums">{m.vsBaseline?.n ?? ""}</td>
                  <td className="text-right tabular-nums">{m.rating.toFixed(0)}</td>
                  <td className="text-right tabular-nums">
                    [{m.ratingCi[0].toFixed(0)}, {m.ratingCi[1].toFixed(0)}]
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          <RatingChart rows={board.models.map((m) => ({ model: m.model, rating: m.rating, low: m.ratingCi[0], high: m.ratingCi[1] }))} />
        </div>
      )}
    </Card>
  );
}
