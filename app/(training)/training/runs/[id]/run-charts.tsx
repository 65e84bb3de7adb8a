// Live metric charts for a run (recharts): train and eval loss (one pair of series per stage: SFT's and DPO's losses
// measure different things), DPO accuracy, margins and rewards, then any other metric, named in words.
"use client";
import { useMemo } from "react";
import { useFormatter, useTranslations } from "next-intl";
import { CartesianGrid, Legend, Line, LineChart, ReferenceLine, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import type { StageSpan } from "@/lib/validation/run-progress";
import { formatMetric, metricLabel, stageName } from "../../format";

export type Metric = { id: number; step: number; split: "train" | "eval"; name: string; value: number };
/** `from`/`to`: the series takes the steps of one stage only, (from, to] */
type Series = { key: string; label: string; color: string; split: "train" | "eval"; name: string; from?: number; to?: number };

const colors = ["#4f46e5", "#f59e0b", "#10b981", "#ef4444", "#0ea5e9", "#a855f7"];

/** Chart titles and series labels are keys of the catalog's training.charts. */
type LabelKey = "trainLoss" | "evalLoss" | "train" | "heldOut" | "heldOutFinal" | "chosen" | "rejected";
type TitleKey = "loss" | "accuracy" | "margins" | "rewards";
type Group = { id: string; title: TitleKey; testId: string; series: Array<Omit<Series, "key" | "color" | "label"> & { label: LabelKey }> };
/** A chart's definition from [label, split, metric name] triples; its test id is `<id>-chart`. */
const group = (id: TitleKey, title: TitleKey, series: Array<[LabelKey, "train" | "eval", string]>): Group => ({
  id,
  title,
  testId: `${id}-chart`,
  series: series.map(([label, split, name]) => ({ label, split, name })),
});

/** Charts by what they show; a metric name claimed by none gets its own chart below. */
const groups: Group[] = [
  group("loss", "loss", [["trainLoss", "train", "loss"], ["evalLoss", "eval", "loss"]]),
  group("accuracy", "accuracy", [["train", "train", "rewards/accuracies"], ["heldOut", "eval", "accuracy"], ["heldOutFinal", "eval", "rewards/accuracies"]]),
  group("margins", "margins", [["train", "train", "rewards/margins"], ["heldOut", "eval", "margin"], ["heldOutFinal", "eval", "rewards/margins"]]),
  group("rewards", "rewards", [["chosen", "train", "rewards/chosen"], ["rejected", "train", "rewards/rejected"]]),
];

/** One row per step, one column per series, so lines with different steps share an axis. */
function pivot(metrics: Metric[], series: Series[]) {
  const byStep = new Map<number, Record<string, number>>();
  const wanted = new Map<string, Series[]>();
  for (const s of series) wanted.set(`${s.split}\u0000${s.name}`, [...(wanted.get(`${s.split}\u0000${s.name}`) ?? []), s]);
  for (const m of metrics) {
    const key = wanted.get(`${m.split}\u0000${m.name}`)?.find((s) => s.from === undefined || (m.step > s.from && m.step <= s.to!))?.key;
    if (!key) continue;
    let row = byStep.get(m.step);
    if (!row) byStep.set(m.step, (row = { step: m.step }));
    row[key] = m.value;
  }
  return [...byStep.values()].sort((a, b) => a.step - b.step);
}

function Chart({ title, testId, series, metrics, height = 260, boundaries = [] }: { title: string; testId: string; series: Series[]; metrics: Metric[]; height?: number; boundaries?: StageSpan[] }) {
  const t = useTranslations("training");
  const format = useFormatter();
  const data = useMemo(() => pivot(metrics, series), [metrics, series]);
  const last = series.map((s) => ({ s, v: [...data].reverse().find((r) => s.key in r)?.[s.key] })).filter((x) => x.v !== undefined);
  return (
    <figure className="space-y-2" data-testid={testId} data-points={data.length}>
      <figcaption className="flex flex-wrap items-baseline justify-between gap-2 text-sm font-medium">
        <span>{title}</span>
        <span className="text-xs font-normal tabular-nums text-slate-500">
          {last.map(({ s, v }) => `${s.label} ${formatMetric(v, format)}`).join(" · ")}
        </span>
      </figcaption>
      {data.length === 0 ? (
        <p className="flex items-center justify-center rounded border border-dashed border-slate-300 text-sm text-slate-500 dark:border-slate-700" style={{ height: height / 2 }}>
          {t("charts.noPoints")}
        </p>
      ) : (
        <div style={{ width: "100%", height }}>
          <ResponsiveContainer width="100%" height="100%">
            <LineChart data={data} margin={{ top: 5, right: 10, bottom: 5, left: 0 }}>
              <CartesianGrid strokeDasharray="3 3" stroke="currentColor" strokeOpacity={0.15} />
              <XAxis dataKey="step" type="number" domain={["dataMin", "dataMax"]} tick={{ fontSize: 11 }} stroke="currentColor" />
              <YAxis tick={{ fontSize: 11 }} width={52} domain={["auto", "auto"]} tickFormatter={(v: number) => formatMetric(v, format)} stroke="currentColor" />
              <Tooltip formatter={(v) => formatMetric(v, format)} labelFormatter={(s) => (typeof s === "number" ? t("run.steps", { step: s }) : null)} contentStyle={{ fontSize: 12 }} />
              <Legend wrapperStyle={{ fontSize: 12 }} />
              {boundaries.map((b) => (
                <ReferenceLine key={b.stage} x={b.from} stroke="currentColor" strokeOpacity={0.5} strokeDasharray="2 4" label={{ value: t("charts.stageStart", { stage: stageName((k) => t(`stage.${k}`), b.stage) }), position: "insideTopLeft", fontSize: 11 }} />
              ))}
              {series.map((s) => (
                <Line
                  key={s.key}
                  dataKey={s.key}
                  name={s.label}
                  stroke={s.color}
                  dot={s.split === "eval"}
                  strokeWidth={s.split === "eval" ? 2 : 1.5}
                  strokeDasharray={s.split === "eval" ? "5 3" : undefined}
                  connectNulls
                  isAnimationActive={false}
                />
              ))}
            </LineChart>
          </ResponsiveContainer>
        </div>
      )}
    </figure>
  );
}

type Translate = ReturnType<typeof useTranslations<"training">>;

/** The loss chart's series: train and eval loss, one pair per stage when the run has more than one. */
function lossSeries(t: Translate, stages: StageSpan[]): Array<Omit<Series, "key" | "color">> {
  if (stages.length < 2) return groups[0].series.map((s) => ({ ...s, label: t(`charts.${s.label}`) }));
  return stages.flatMap((st) =>
    (["train", "eval"] as const).map((split) => ({ label: t("charts.stageLoss", { stage: stageName((k) => t(`stage.${k}`), st.stage), split }), split, name: "loss", from: st.from, to: st.to })),
  );
}

export function RunCharts({ metrics, stages = [] }: { metrics: Metric[]; stages?: StageSpan[] }) {
  const t = useTranslations("training");
  const stagesKey = stages.map((s) => `${s.stage}:${s.from}:${s.to}`).join(",");
  // A string of the series present, so the chart layout is recomputed only when a new series appears.
  const presentKey = useMemo(() => [...new Set(metrics.map((m) => `${m.split}\u0000${m.name}`))].sort().join("\u0001"), [metrics]);
  const charts = useMemo(() => {
    const present = new Set(presentKey ? presentKey.split("\u0001") : []);
    const claimed = new Set<string>();
    const out: Array<{ title: string; testId: string; series: Series[] }> = [];
    const spans: StageSpan[] = stagesKey
      ? stagesKey.split(",").map((x) => {
          const [stage, from, to] = x.split(":");
          return { stage: stage as StageSpan["stage"], from: Number(from), to: Number(to) };
        })
      : [];
    for (const g of groups) {
      const series = (g.id === "loss" ? lossSeries(t, spans) : g.series.map((s) => ({ ...s, label: t(`charts.${s.label}`) })))
        .filter((s) => present.has(`${s.split}\u0000${s.name}`))
        .map((s, i) => ({ ...s, key: `${g.id}${i}`, color: colors[i % colors.length] }));
      g.series.forEach((s) => claimed.add(`${s.split}\u0000${s.name}`));
      // The loss chart always shows, empty until the first point; the DPO charts only when DPO reports.
      if (g.id === "loss" || series.length) out.push({ title: t(`charts.${g.title}`), testId: g.testId, series });
    }
    // Any other metric (tokens, perplexity, a name we do not know yet): one small chart per name, train and eval together.
    const names = [...new Set([...present].filter((k) => !claimed.has(k)).map((k) => k.split("\u0000")[1]))].sort();
    for (const name of names) {
      const series = (["train", "eval"] as const)
        .filter((split) => present.has(`${split}\u0000${name}`) && !claimed.has(`${split}\u0000${name}`))
        .map((split, i) => ({ key: `m${i}`, label: split === "train" ? t("charts.train") : t("charts.heldOut"), split, name, color: colors[i] }));
      out.push({ title: metricLabel(name), testId: `metric-chart-${name.replace(/[^a-z0-9]+/gi, "-")}`, series });
    }
    return { charts: out, spans };
  }, [presentKey, stagesKey, t]);
  const [main, ...rest] = charts.charts;
  return (
    <div className="space-y-6">
      <Chart {...main} metrics={metrics} boundaries={charts.spans.slice(1)} />
      {rest.length > 0 && (
        <div className="grid gap-6 md:grid-cols-2">
          {rest.map((c) => (
            <Chart key={c.testId} {...c} metrics={metrics} height={200} />
          ))}
        </div>
      )}
    </div>
  );
}
