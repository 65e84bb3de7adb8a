// The leaderboard: win rate against a baseline and Bradley–Terry ratings with bootstrap intervals, as a table and a chart.
import { useFormatter, useTranslations } from "next-intl";
import { Card } from "@/app/_components/form";
import type { ProjectLeaderboard } from "@/lib/leaderboard/project-leaderboard";
import { RatingChart } from "./rating-chart";

/** "▲2" / "▼1" / "–": places a model moves once style is controlled for. */
function shiftLabel(shift: number) {
  return shift > 0 ? `▲${shift}` : shift < 0 ? `▼${-shift}` : "–";
}

export function LeaderboardCard({ board }: { board: ProjectLeaderboard | null }) {
  const t = useTranslations("models.leaderboard");
  const format = useFormatter();
  const fixed = (x: number, digits: number) => format.number(x, { minimumFractionDigits: digits, maximumFractionDigits: digits, useGrouping: false });
  const style = new Map((board?.style?.rows ?? []).map((r) => [r.model, r]));
  return (
    <Card title={t("title")}>
      {!board || board.outcomes === 0 ? (
        <p className="text-sm text-slate-600 dark:text-slate-400">{t("none")}</p>
      ) : (
        <div className="space-y-4" data-testid="leaderboard">
          <p className="text-sm text-slate-600 dark:text-slate-400">
            {t.rich("intro", { outcomes: board.outcomes, baseline: board.baseline, confidence: board.confidence, rounds: board.rounds, b: (chunks) => <strong>{chunks}</strong> })}
            {board.style && (
              <>
                {" "}
                {t("style")}
              </>
            )}
          </p>
          <table className="w-full text-start text-sm">
            <thead className="text-slate-500">
              <tr>
                <th className="py-1 text-start">{t("model")}</th>
                <th className="text-end">{t("winRate")}</th>
                <th className="text-end">{t("se")}</th>
                <th className="text-end">{t("n")}</th>
                <th className="text-end">{t("rating")}</th>
                <th className="text-end">{t("interval")}</th>
                {board.style && (
                  <>
                    <th className="text-end">{t("styleRating")}</th>
                    <th className="text-end">{t("move")}</th>
                  </>
                )}
              </tr>
            </thead>
            <tbody>
              {board.models.map((m) => (
                <tr key={m.model} className="border-t border-slate-100 dark:border-slate-800" data-testid="leaderboard-row">
                  <td className="py-1 font-mono">{m.model}</td>
                  <td className="text-end tabular-nums">{m.vsBaseline?.winRate != null ? fixed(m.vsBaseline.winRate, 2) : t("baseline")}</td>
                  <td className="text-end tabular-nums">{m.vsBaseline?.standardError != null ? fixed(m.vsBaseline.standardError, 2) : ""}</td>
                  <td className="text-end tabular-nums">{m.vsBaseline?.n != null ? format.number(m.vsBaseline.n) : ""}</td>
                  <td className="text-end tabular-nums">{fixed(m.rating, 0)}</td>
                  <td className="text-end tabular-nums">
                    [{fixed(m.ratingCi[0], 0)}, {fixed(m.ratingCi[1], 0)}]
                  </td>
                  {board.style && (
                    <>
                      <td className="text-end tabular-nums" data-testid="style-rating">
                        {style.has(m.model) ? fixed(style.get(m.model)!.styleRating, 0) : ""}
                      </td>
                      <td className="text-end tabular-nums" data-testid="style-shift">
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
              {t("coefficients", { list: board.style.covariates.map((c) => `${c} ${fixed(board.style!.coefficients[c] ?? 0, 2)}`).join(", ") })}
            </p>
          )}
          <RatingChart rows={board.models.map((m) => ({ model: m.model, rating: m.rating, low: m.ratingCi[0], high: m.ratingCi[1] }))} />
        </div>
      )}
    </Card>
  );
}
