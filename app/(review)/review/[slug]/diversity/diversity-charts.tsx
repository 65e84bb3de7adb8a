// Diversity charts (recharts): category share against target, verbs stacked by their top objects, length histograms.
"use client";
import { Bar, BarChart, CartesianGrid, Legend, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";

const palette = ["#6366f1", "#0ea5e9", "#10b981", "#f59e0b", "#ef4444"];

export function CategoryChart({ rows }: { rows: Array<{ category: string; share: number; target: number | null }> }) {
  const data = rows.map((r) => ({ category: r.category, share: Math.round(r.share * 1000) / 10, target: r.target === null ? undefined : Math.round(r.target * 1000) / 10 }));
  return (
    <div style={{ height: Math.max(160, rows.length * 26 + 50) }} data-testid="category-chart">
      <ResponsiveContainer width="100%" height="100%">
        <BarChart data={data} layout="vertical" margin={{ left: 140 }}>
          <CartesianGrid strokeDasharray="3 3" />
          <XAxis type="number" unit="%" />
          <YAxis type="category" dataKey="category" width={140} tick={{ fontSize: 11 }} />
          <Tooltip />
          <Legend />
          <Bar dataKey="share" name="share" fill="#6366f1" isAnimationActive={false} />
          <Bar dataKey="target" name="target" fill="#cbd5e1" isAnimationActive={false} />
        </BarChart>
      </ResponsiveContainer>
    </div>
  );
}

/** Each verb's bar split into its top objects (o1…o4) and the rest, like the inner and outer rings of Self-Instruct's sunburst. */
export function VerbChart({ verbs }: { verbs: Array<{ verb: string; count: number; objects: Array<{ object: string; count: number }> }> }) {
  const data = verbs.map((v) => {
    const row: Record<string, string | number> = { verb: v.verb, other: v.count - v.objects.reduce((a, o) => a + o.count, 0) };
    v.objects.forEach((o, i) => {
      row[`o${i}`] = o.count;
      row[`o${i}name`] = o.object;
    });
    return row;
  });
  return (
    <div style={{ height: Math.max(160, verbs.length * 24 + 40) }} data-testid="verb-chart">
      <ResponsiveContainer width="100%" height="100%">
        <BarChart data={data} layout="vertical" margin={{ left: 80 }}>
          <CartesianGrid strokeDasharray="3 3" />
          <XAxis type="number" allowDecimals={false} />
          <YAxis type="category" dataKey="verb" width={80} tick={{ fontSize: 11 }} />
          <Tooltip formatter={(value, name, item) => [value, (item.payload as Record<string, string>)[`${String(name)}name`] ?? "other objects or none"]} />
          {[0, 1, 2, 3].map((i) => (
            <Bar key={i} dataKey={`o${i}`} stackId="v" fill={palette[i]} isAnimationActive={false} />
          ))}
          <Bar dataKey="other" stackId="v" fill="#e2e8f0" isAnimationActive={false} />
        </BarChart>
      </ResponsiveContainer>
    </div>
  );
}

export function LengthChart({ bins, testId }: { bins: Array<{ from: number; to: number; count: number }>; testId: string }) {
  const data = bins.map((b) => ({ range: `${b.from}–${b.to - 1}`, count: b.count }));
  return (
    <div style={{ height: 200 }} data-testid={testId}>
      <ResponsiveContainer width="100%" height="100%">
        <BarChart data={data}>
          <CartesianGrid strokeDasharray="3 3" />
          <XAxis dataKey="range" tick={{ fontSize: 11 }} />
          <YAxis allowDecimals={false} />
          <Tooltip />
          <Bar dataKey="count" fill="#0ea5e9" isAnimationActive={false} />
        </BarChart>
      </ResponsiveContainer>
    </div>
  );
}
