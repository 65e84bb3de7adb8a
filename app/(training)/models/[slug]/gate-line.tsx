// A version's release gate and generation progress, as lines on its Models-page card.
import { useFormatter, useTranslations } from "next-intl";
import type { listModelVersions } from "@/lib/runs/runs";
import { CompareButton } from "./compare-button";

type Version = Awaited<ReturnType<typeof listModelVersions>>[number];
type Progress = Version["generation"];

const muted = "text-slate-600 dark:text-slate-400";

/** The badge beside a version's label: the gate's verdict, or why there is none (key: the catalog's models.gate.<key>). */
export function gateBadge(v: Version): { key: "badgeRecommended" | "badgeNotRecommended" | "badgePending" | "badgeFirst" | null; tone: "good" | "warn" | "none" } {
  switch (v.gateState) {
    case "recommended":
      return { key: "badgeRecommended", tone: "good" };
    case "not_recommended":
      return { key: "badgeNotRecommended", tone: "warn" };
    case "pending":
      return { key: "badgePending", tone: "none" };
    case "first":
      return { key: "badgeFirst", tone: "none" };
    default:
      return { key: null, tone: "none" };
  }
}

/** The release gate of a version: pending until it has its judgments, then its blind pairwise win rate and verdict. */
export function GateLine({ v, canCompare, projectSlug }: { v: Version; canCompare: boolean; projectSlug: string }) {
  const t = useTranslations("models.gate");
  const format = useFormatter();
  const pct = (x: number) => format.number(x / 100, { style: "percent", minimumFractionDigits: 1, maximumFractionDigits: 1 });
  const gate = v.gate;
  if (!gate) {
    const why = v.gateState === "first" ? t("first", { label: v.label }) : v.gateState === "nothing_to_compare" ? t("nothingToCompare") : t("noComparison");
    if (v.gateState === "not_compared" && !canCompare && !v.comparison) return null;
    return (
      <p className={`mt-2 text-sm ${muted}`} data-testid="gate" data-state={v.gateState}>
        {t("line", { why })} {v.gateState === "not_compared" && canCompare && !isBusy(v.comparison) && <CompareButton projectSlug={projectSlug} versionId={v.id} />}
      </p>
    );
  }
  return (
    <p className="mt-2 text-sm" data-testid="gate" data-state={gate.status}>
      {t("vs", { against: gate.against ?? t("theActive") })}{" "}
      {gate.status === "pending" ? (
        <span className={muted}>
          {t("pending", { judged: gate.judgedPrompts, prompts: gate.prompts })}
          {gate.winRate !== null && <> · {t("winsSoFar", { rate: pct(gate.winRate) })}</>} · {t("verdictAfter", { needed: gate.needed, judgments: gate.judgments })}
        </span>
      ) : (
        <>
          {t.rich("wins", { rate: pct(gate.winRate!), b: (chunks) => <span className="font-semibold tabular-nums">{chunks}</span> })}
          {gate.ci && (
            <span className="tabular-nums">
              {" "}
              {t("ci", { level: 0.95, low: pct(gate.ci[0]), high: pct(gate.ci[1]) })}
            </span>
          )}{" "}
          {t("over", { judgments: gate.judgments, prompts: gate.prompts })} · {t(gate.recommended ? "recommended" : "notRecommended", { half: 0.5 })}
        </>
      )}
    </p>
  );
}

export const isBusy = (p: Progress) => p !== null && (p.status === "queued" || p.status === "running");

/** One generation's state: queued, n of m written, done (or why it wrote nothing), failed with the reason. */
export function ProgressLine({ what, p, testId }: { what: string; p: Progress; testId: string }) {
  const t = useTranslations("models.progress");
  if (!p) return null;
  const body =
    p.status === "queued"
      ? t("queued")
      : p.status === "running"
        ? p.wanted > 0
          ? t("writing", { written: p.written, wanted: p.wanted })
          : t("starting")
        : p.status === "succeeded"
          ? p.note && p.written === 0
            ? t("wroteNothing", { note: p.note })
            : t("done", { written: p.written, wanted: p.wanted || p.written })
          : t("failed", { error: p.error ?? t("noReason") });
  return (
    <p className={`mt-1 text-xs ${p.status === "failed" ? "text-red-700 dark:text-red-400" : muted}`} data-testid={testId} data-status={p.status}>
      {t("line", { what: p.trigger === "promote" ? t("byPromotion", { what }) : what, body })}
      {p.status === "running" && p.wanted > 0 && (
        <progress className="ms-2 h-1.5 w-32 align-middle" max={p.wanted} value={p.written} aria-label={t("aria", { what })} />
      )}
    </p>
  );
}
