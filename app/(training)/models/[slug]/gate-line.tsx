// A version's release gate and generation progress, as lines on its Models-page card.
import type { listModelVersions } from "@/lib/runs/runs";
import { CompareButton } from "./compare-button";

type Version = Awaited<ReturnType<typeof listModelVersions>>[number];
type Progress = Version["generation"];

const pct = (x: number) => `${x.toFixed(1)}%`;
const muted = "text-slate-600 dark:text-slate-400";

/** The badge beside a version's label: the gate's verdict, or why there is none. */
export function gateBadge(v: Version): { text: string; tone: "good" | "warn" | "none" } {
  switch (v.gateState) {
    case "recommended":
      return { text: "gate: recommended", tone: "good" };
    case "not_recommended":
      return { text: "gate: not recommended", tone: "warn" };
    case "pending":
      return { text: `gate: pending (${v.gate!.judgedPrompts} of ${v.gate!.prompts} judged)`, tone: "none" };
    case "first":
      return { text: "first version", tone: "none" };
    default:
      return { text: "", tone: "none" };
  }
}

/** The release gate of a version: pending until it has its judgments, then its blind pairwise win rate and verdict. */
export function GateLine({ v, canCompare, projectSlug }: { v: Version; canCompare: boolean; projectSlug: string }) {
  const gate = v.gate;
  if (!gate) {
    const why =
      v.gateState === "first"
        ? `${v.label} is the first version: there is nothing to compare it with.`
        : v.gateState === "nothing_to_compare"
          ? "no version is active to compare it with."
          : "no comparison yet.";
    if (v.gateState === "not_compared" && !canCompare && !v.comparison) return null;
    return (
      <p className={`mt-2 text-sm ${muted}`} data-testid="gate" data-state={v.gateState}>
        Release gate: {why} {v.gateState === "not_compared" && canCompare && !isBusy(v.comparison) && <CompareButton projectSlug={projectSlug} versionId={v.id} />}
      </p>
    );
  }
  return (
    <p className="mt-2 text-sm" data-testid="gate" data-state={gate.status}>
      Release gate vs {gate.against ?? "the active version"}:{" "}
      {gate.status === "pending" ? (
        <span className={muted}>
          pending ({gate.judgedPrompts} of {gate.prompts} judged)
          {gate.winRate !== null && <> · wins {pct(gate.winRate)} so far</>} · a verdict after {gate.needed} judgments ({gate.judgments} so far)
        </span>
      ) : (
        <>
          wins <span className="font-semibold tabular-nums">{pct(gate.winRate!)}</span>
          {gate.ci && (
            <span className="tabular-nums">
              {" "}
              (95% CI {pct(gate.ci[0])} – {pct(gate.ci[1])})
            </span>
          )}{" "}
          over {gate.judgments} judgments of {gate.prompts} tasks ·{" "}
          {gate.recommended ? "recommended: the lower bound is above 50%" : "not recommended: the lower bound is not above 50%"}
        </>
      )}
    </p>
  );
}

export const isBusy = (p: Progress) => p !== null && (p.status === "queued" || p.status === "running");

/** One generation's state: queued, n of m written, done (or why it wrote nothing), failed with the reason. */
export function ProgressLine({ what, p, testId }: { what: string; p: Progress; testId: string }) {
  if (!p) return null;
  const body =
    p.status === "queued"
      ? "queued"
      : p.status === "running"
        ? p.wanted > 0
          ? `writing: ${p.written} of ${p.wanted} outputs`
          : "starting"
        : p.status === "succeeded"
          ? p.note && p.written === 0
            ? `wrote nothing: ${p.note}`
            : `done: ${p.written} of ${p.wanted || p.written} outputs written`
          : `failed: ${p.error ?? "no reason recorded"}`;
  return (
    <p className={`mt-1 text-xs ${p.status === "failed" ? "text-red-700 dark:text-red-400" : muted}`} data-testid={testId} data-status={p.status}>
      {what}
      {p.trigger === "promote" ? " (queued by promotion)" : ""}: {body}
      {p.status === "running" && p.wanted > 0 && (
        <progress className="ml-2 h-1.5 w-32 align-middle" max={p.wanted} value={p.written} aria-label={`${what} progress`} />
      )}
    </p>
  );
}
