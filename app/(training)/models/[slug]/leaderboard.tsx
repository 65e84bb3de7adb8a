// The leaderboard: win rate against a baseline and Bradley–Terry ratings with bootstrap intervals, as a table and a chart.
import { Card } from "@/app/_components/form";
import type { ProjectLeaderboard } from "@/lib/leaderboard/project-leaderboard";
import { RatingChart } from "./rating-chart";

/** "▲2" / "▼1" / "–": places a model moves once style is controlled for. */
function shiftLabel(shift: number) {
  return shift > 0 ? `▲${shift}` : shift < 0 ? `▼${-shift}` : "–";
}

export function LeaderboardCard({ board }: { board: ProjectLeaderboard | null }) {
  const style = new Map((board?.style?.rows ?? []).map((r) => [r.model, r]));
  return (
    <Card title="Leaderboard">
      {!board || board.outcomes === 0 ? (
        <p className="text-sm text-slate-600 dark:text-slate-400">No rankings between different generators yet.</p>
      ) : (
        <div className="space-y-4" data-testid="leaderboard">
          <p className="text-sm text-slate-600 dark:text-slate-400">
            {board.outcomes} pairwise outcomes. Win rate against <strong>{board.baseline}</strong> (ties count half); ratings on an Elo-like scale with {Math.round(board.confidence * 100)}% bootstrap intervals ({board.rounds} resamples).
            {board.style && (
              <>
                {" "}
                Style-controlled: the same Bradley–Terry fit with answer length and markdown headers, list items and bold as covariates (as Chatbot Arena), so a model is not rated up for writing longer or more formatted answers; the move is how many places its rank changes.
              </>
            )}
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
                {board.style && (
                  <>
                    <th className="text-right">style-controlled</th>
                    <th className="text-right">move</th>
                  </>
                )}
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
                  {board.style && (
                    <>
                      <td className="text-right tabular-nums" data-testid="style-rating">
                        {style.get(m.model)?.styleRating.toFixed(0) ?? ""}
                      </td>
                      <td className="text-right tabular-nums" data-testid="style-shift">
                        {style.has(m.model) ? shiftLabel(style.get(m.model)!.rankShift) : ""}
                      </td>
                    </>
                  )}
                </tr>
              ))}
            </tbody>
          </table>
          {board.style && (
            <p className="text-xs text-slate-500" data-testid="style-coefficients">
              Judges&apos; pull per feature (log-odds per typical difference):{" "}
              {board.style.covariates.map((c) => `${c} ${(board.style!.coefficients[c] ?? 0).toFixed(2)}`).join(", ")}
            </p>
          )}
          <RatingChart rows={board.models.map((m) => ({ model: m.model, rating: m.rating, low: m.ratingCi[0], high: m.ratingCi[1] }))} />
        </div>
      )}
    </Card>
  );
}
