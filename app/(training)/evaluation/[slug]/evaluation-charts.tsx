// Per-category lines across model versions (recharts): held-out loss, and win rate against the previous version with 50% marked.
"use client";
import { CartesianGrid, Legend, Line, LineChart, ReferenceLine, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";

const COLOURS = ["#6366f1", "#f59e0b", "#10b981", "#ef4444", "#0ea5e9", "#a855f7", "#64748b", "#84cc16"];

/** rows: one per version (oldest first), a value per category or null where there is none; read by a function, as a dotted category name would be a path. */
export function CategoryLines({ rows, categories, testId, percent }: { rows: Array<Record<string, string | number | null>>; categories: string[]; testId: string; percent?: boolean }) {
  return (
    <div style={{ height: 260 }} data-testid={testId}>
      <ResponsiveContainer width="100%" height="100%">
        <LineChart data={rows} margin={{ left: 8, right: 16, top: 8 }}>
          <CartesianGrid strokeDasharray="3 3" />
          <XAxis dataKey="version" />
          <YAxis domain={percent ? [0, 100] : ["auto", "auto"]} tickFormatter={(x: number) => (percent ? `${x}%` : x.toFixed(2))} width={48} />
          <Tooltip formatter={(x) => (typeof x === "number" ? (percent ? `${x.toFixed(1)}%` : x.toFixed(4)) : String(x))} />
          <Legend />
          {percent && <ReferenceLine y={50} stroke="#94a3b8" strokeDasharray="4 4" />}
          {categories.map((c, i) => (
            <Line key={c} name={c} type="monotone" dataKey={(r: Record<string, string | number | null>) => r[c]} stroke={COLOURS[i % COLOURS.length]} connectNulls isAnimationActive={false} dot />
          ))}
        </LineChart>
      </ResponsiveContainer>
    </div>
  );
}
