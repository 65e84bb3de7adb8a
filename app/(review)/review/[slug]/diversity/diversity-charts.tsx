// Diversity charts (recharts): category share against target, verbs stacked by their top objects, length histograms.
"use client";
import { useFormatter, useLocale, useTranslations, type NumberFormatOptions } from "next-intl";
import { Bar, BarChart, CartesianGrid, Legend, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import { baseLocale, localeDirection } from "@/lib/i18n/locales";

const palette = ["#6366f1", "#0ea5e9", "#10b981", "#f59e0b", "#ef4444"];

/** A one-argument formatter (recharts passes an index or a series name after the value) for numbers in the page's language; a string stays as it is. */
function useNumber(options?: NumberFormatOptions) {
  const format = useFormatter();
  return (value: unknown) => (typeof value === "number" ? format.number(value, options) : typeof value === "string" ? value : "");
}

/**
 * Whether the page is right to left. The charts then mirror through recharts' own props (value axis reversed, labels
 * on the right) inside a dir="ltr" box: recharts anchors its SVG labels for left-to-right text, and an inherited
 * direction: rtl flips those anchors so the labels run into the bars.
 */
function useRtl() {
  return localeDirection(baseLocale(useLocale())) === "rtl";
}

export function CategoryChart({ rows }: { rows: Array<{ category: string; share: number; target: number | null }> }) {
  const t = useTranslations("diversity.charts");
  /** Shares are fractions (0.123); the axis and tooltip show them as percentages. */
  const percent = useNumber({ style: "percent", maximumFractionDigits: 1 });
  const rtl = useRtl();
  const data = rows.map((r) => ({ category: r.category, share: Math.round(r.share * 1000) / 1000, target: r.target === null ? undefined : Math.round(r.target * 1000) / 1000 }));
  return (
    <div style={{ height: Math.max(160, rows.length * 26 + 50) }} dir="ltr" data-testid="category-chart">
      <ResponsiveContainer width="100%" height="100%">
        <BarChart data={data} layout="vertical" margin={rtl ? { right: 140 } : { left: 140 }}>
          <CartesianGrid strokeDasharray="3 3" />
          <XAxis type="number" tickFormatter={percent} reversed={rtl} />
          <YAxis type="category" dataKey="category" width={140} tick={{ fontSize: 11 }} orientation={rtl ? "right" : "left"} />
          <Tooltip formatter={percent} />
          <Legend />
          <Bar dataKey="share" name={t("share")} fill="#6366f1" isAnimationActive={false} />
          <Bar dataKey="target" name={t("target")} fill="#cbd5e1" isAnimationActive={false} />
        </BarChart>
      </ResponsiveContainer>
    </div>
  );
}

/** Each verb's bar split into its top objects (o1…o4) and the rest, like the inner and outer rings of Self-Instruct's sunburst. */
export function VerbChart({ verbs }: { verbs: Array<{ verb: string; count: number; objects: Array<{ object: string; count: number }> }> }) {
  const t = useTranslations("diversity.charts");
  const number = useNumber();
  const rtl = useRtl();
  const data = verbs.map((v) => {
    const row: Record<string, string | number> = { verb: v.verb, other: v.count - v.objects.reduce((a, o) => a + o.count, 0) };
    v.objects.forEach((o, i) => {
      row[`o${i}`] = o.count;
      row[`o${i}name`] = o.object;
    });
    return row;
  });
  return (
    <div style={{ height: Math.max(160, verbs.length * 24 + 40) }} dir="ltr" data-testid="verb-chart">
      <ResponsiveContainer width="100%" height="100%">
        <BarChart data={data} layout="vertical" margin={rtl ? { right: 80 } : { left: 80 }}>
          <CartesianGrid strokeDasharray="3 3" />
          <XAxis type="number" allowDecimals={false} tickFormatter={number} reversed={rtl} />
          <YAxis type="category" dataKey="verb" width={80} tick={{ fontSize: 11 }} orientation={rtl ? "right" : "left"} />
          <Tooltip formatter={(value, name, item) => [number(value), (item.payload as Record<string, string>)[`${String(name)}name`] ?? t("otherObjects")]} />
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
  const t = useTranslations("diversity.charts");
  const number = useNumber();
  const rtl = useRtl();
  const data = bins.map((b) => ({ range: `${number(b.from)}–${number(b.to - 1)}`, count: b.count }));
  return (
    <div style={{ height: 200 }} dir="ltr" data-testid={testId}>
      <ResponsiveContainer width="100%" height="100%">
        <BarChart data={data}>
          <CartesianGrid strokeDasharray="3 3" />
          <XAxis dataKey="range" tick={{ fontSize: 11 }} reversed={rtl} />
          <YAxis allowDecimals={false} tickFormatter={number} orientation={rtl ? "right" : "left"} />
          <Tooltip formatter={number} />
          <Bar dataKey="count" name={t("count")} fill="#0ea5e9" isAnimationActive={false} />
        </BarChart>
      </ResponsiveContainer>
    </div>
  );
}
