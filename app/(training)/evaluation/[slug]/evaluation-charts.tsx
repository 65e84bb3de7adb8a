// Per-category lines across model versions (recharts): held-out loss, and win rate against the previous version with 50% marked.
"use client";
import { useFormatter } from "next-intl";
import { CartesianGrid, Legend, Line, LineChart, ReferenceLine, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";

const COLOURS = ["#6366f1", "#f59e0b", "#10b981", "#ef4444", "#0ea5e9", "#a855f7", "#64748b", "#84cc16"];

/** rows: one per version (oldest first), a value per category key or null where there is none; read by a function, as a dotted category name would be a path. categories: each key with its name in the UI's language. */
export function CategoryLines({ rows, categories, testId, percent }: { rows: Array<Record<string, string | number | null>>; categories: Array<{ key: string; name: string }>; testId: string; percent?: boolean }) {
  const format = useFormatter();
  // percent: win rates in 0..100
  const tick = (x: number) => (percent ? format.number(x / 100, { style: "percent", maximumFractionDigits: 0 }) : format.number(x, { minimumFractionDigits: 2, maximumFractionDigits: 2, useGrouping: false }));
  const tip = (x: number) => (percent ? format.number(x / 100, { style: "percent", minimumFractionDigits: 1, maximumFractionDigits: 1 }) : format.number(x, { minimumFractionDigits: 4, maximumFractionDigits: 4, useGrouping: false }));
  return (
    <div style={{ height: 260 }} data-testid={testId}>
      <ResponsiveContainer width="100%" height="100%">
        <LineChart data={rows} margin={{ left: 8, right: 16, top: 8 }}>
          <CartesianGrid strokeDasharray="3 3" />
          <XAxis dataKey="version" />
          <YAxis domain={percent ? [0, 100] : ["auto", "auto"]} tickFormatter={tick} width={48} />
          <Tooltip formatter={(x) => (typeof x === "number" ? tip(x) : String(x))} />
          <Legend />
          {percent && <ReferenceLine y={50} stroke="#94a3b8" strokeDasharray="4 4" />}
          {categories.map((c, i) => (
            <Line key={c.key} name={c.name} type="monotone" dataKey={(r: Record<string, string | number | null>) => r[c.key]} stroke={COLOURS[i % COLOURS.length]} connectNulls isAnimationActive={false} dot />
          ))}
        </LineChart>
      </ResponsiveContainer>
    </div>
  );
}
