// Bradley–Terry ratings with their intervals as a horizontal bar chart (recharts).
"use client";
import { useFormatter, useTranslations } from "next-intl";
import { Bar, BarChart, CartesianGrid, ErrorBar, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";

export function RatingChart({ rows }: { rows: Array<{ model: string; rating: number; low: number; high: number }> }) {
  const data = rows.map((r) => ({ ...r, err: [r.rating - r.low, r.high - r.rating] }));
  const t = useTranslations("models.leaderboard");
  const format = useFormatter();
  const whole = (v: number) => format.number(v, { maximumFractionDigits: 0, useGrouping: false });
  const min = Math.floor(Math.min(...rows.map((r) => r.low)) / 50) * 50;
  return (
    <div style={{ height: Math.max(160, rows.length * 28 + 40) }} data-testid="rating-chart">
      <ResponsiveContainer width="100%" height="100%">
        <BarChart data={data} layout="vertical" margin={{ left: 120 }}>
          <CartesianGrid strokeDasharray="3 3" />
          <XAxis type="number" domain={[min, "auto"]} tickFormatter={whole} />
          <YAxis type="category" dataKey="model" width={120} tick={{ fontSize: 11 }} />
          <Tooltip formatter={(v) => (typeof v === "number" ? whole(v) : String(v))} />
          <Bar dataKey="rating" name={t("rating")} fill="#6366f1" isAnimationActive={false}>
            <ErrorBar dataKey="err" width={4} stroke="#334155" direction="x" />
          </Bar>
        </BarChart>
      </ResponsiveContainer>
    </div>
  );
}
