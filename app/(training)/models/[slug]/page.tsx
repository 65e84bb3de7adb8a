// Model versions of one project: lineage (parent → child), metrics, snapshot, release gate, the active one, Promote for admins.
import Link from "next/link";
import { getFormatter, getTranslations } from "next-intl/server";
import { Card } from "@/app/_components/form";
import { projectOrNotFound } from "@/app/_components/project-picker";
import { hasRole } from "@/lib/auth/roles";
import { isCategoryMetric } from "@/lib/evaluation/category-metrics";
import { requirePageRole } from "@/lib/auth/session";
import { projectLeaderboard } from "@/lib/leaderboard/project-leaderboard";
import { LeaderboardCard } from "./leaderboard";
import { GenerateButton } from "./generate-button";
import { listModelVersions } from "@/lib/runs/runs";
import { formatMetric, formatTime, metricLabel } from "../../training/format";
import { AutoRefresh } from "./auto-refresh";
import { GateLine, ProgressLine, gateBadge, isBusy } from "./gate-line";
import { PromoteButton } from "./promote-button";

type Version = Awaited<ReturnType<typeof listModelVersions>>[number];

/** Depth-first order of the lineage forest: each version after its parent, children oldest first. */
function lineage(versions: Version[]): Array<{ v: Version; depth: number }> {
  const ids = new Set(versions.map((v) => v.id));
  const children = new Map<string | null, Version[]>();
  for (const v of versions) {
    const parent = v.parentId && ids.has(v.parentId) ? v.parentId : null;
    children.set(parent, [...(children.get(parent) ?? []), v]);
  }
  const out: Array<{ v: Version; depth: number }> = [];
  const visit = (parent: string | null, depth: number) => {
    for (const v of children.get(parent) ?? []) {
      out.push({ v, depth });
      visit(v.id, depth + 1);
    }
  };
  visit(null, 0);
  return out;
}

export default async function ProjectModelsPage({ params, searchParams }: { params: Promise<{ slug: string }>; searchParams: Promise<{ baseline?: string }> }) {
  const actor = await requirePageRole("reviewer");
  const { slug } = await params;
  const project = await projectOrNotFound(actor, slug);
  const isAdmin = hasRole(actor, "admin");
  const t = await getTranslations("models");
  const format = await getFormatter();
  const versions = await listModelVersions(actor, project.slug);
  const tree = lineage(versions);
  const labelById = new Map(versions.map((v) => [v.id, v.label]));
  const hasActive = versions.some((v) => v.isActive);
  const busy = versions.some((v) => isBusy(v.generation) || isBusy(v.comparison));
  const sp = await searchParams;
  const board = await projectLeaderboard(actor, { projectSlug: project.slug, baseline: sp.baseline || undefined, rounds: 100 }).catch(() => projectLeaderboard(actor, { projectSlug: project.slug, rounds: 100 }));
  return (
    <div className="space-y-6" data-testid="project-models-page">
      <AutoRefresh active={busy} />
      <div className="flex items-baseline justify-between">
        <h1 className="text-2xl font-semibold">{t("projectTitle", { name: project.name })}</h1>
        <div className="flex flex-wrap items-baseline gap-4 text-sm">
          {isAdmin && versions.some((v) => v.isActive) && <GenerateButton projectSlug={project.slug} />}
          <Link href={`/evaluation/${project.slug}`} className="text-indigo-600 underline dark:text-indigo-400" data-testid="evaluation-link">
            {t("evaluation")}
          </Link>
          <Link href={`/training/${project.slug}`} className="text-indigo-600 underline dark:text-indigo-400">
            {t("trainingRuns")}
          </Link>
          <Link href="/models" className="text-indigo-600 underline dark:text-indigo-400">
            {t("allProjects")}
          </Link>
        </div>
      </div>

      <Card title={t("versions")}>
        {tree.length === 0 ? (
          <p className="text-sm text-slate-600 dark:text-slate-400" data-testid="no-versions">
            {t("noVersions")}
          </p>
        ) : (
          <ol className="space-y-3" data-testid="version-tree" aria-label={t("lineage")}>
            {tree.map(({ v, depth }) => {
              const gb = v.kind === "reward" ? null : gateBadge(v);
              const badge = { text: gb?.key ? t(`gate.${gb.key}`, { judged: v.gate?.judgedPrompts ?? 0, prompts: v.gate?.prompts ?? 0 }) : "", tone: gb?.tone ?? ("none" as const) };
              // per-category figures are the Evaluation page's
              const metrics = Object.entries(v.metrics).filter(([k]) => !isCategoryMetric(k));
              return (
                <li
                  key={v.id}
                  id={`v-${v.id}`}
                  data-testid={`version-${v.id}`}
                  data-depth={depth}
                  style={{ marginInlineStart: `${depth * 1.75}rem` }}
                  className={`rounded-lg border p-4 ${v.isActive ? "border-indigo-400 bg-indigo-50/50 dark:border-indigo-600 dark:bg-indigo-950/30" : "border-slate-200 dark:border-slate-800"}`}
                >
                  <div className="flex flex-wrap items-start justify-between gap-3">
                    <div className="space-y-1">
                      <div className="flex flex-wrap items-center gap-2">
                        {depth > 0 && (
                          <span aria-hidden className="text-slate-400">
                            ↳
                          </span>
                        )}
                        <span className="font-semibold" data-testid="version-label">
                          {v.label}
                        </span>
                        {v.isActive && (
                          <span data-testid="active-badge" className="rounded bg-indigo-600 px-2 py-0.5 text-xs font-medium text-white">
                            {t("active")}
                          </span>
                        )}
                        {v.kind === "reward" && (
                          <span data-testid="reward-badge" className="rounded bg-teal-100 px-2 py-0.5 text-xs font-medium text-teal-800 dark:bg-teal-950 dark:text-teal-300">
                            {t("reward")}
                          </span>
                        )}
                        {badge.text && (
                          <span
                            data-testid="gate-badge"
                            className={`rounded px-2 py-0.5 text-xs font-medium ${badge.tone === "good" ? "bg-green-100 text-green-800 dark:bg-green-950 dark:text-green-300" : badge.tone === "warn" ? "bg-amber-100 text-amber-800 dark:bg-amber-950 dark:text-amber-300" : "bg-slate-100 text-slate-700 dark:bg-slate-800 dark:text-slate-300"}`}
                          >
                            {badge.text}
                          </span>
                        )}
                      </div>
                      <p className="text-xs text-slate-500">
                        {t("from", { parent: v.parentId ? (labelById.get(v.parentId) ?? v.parentId.slice(0, 8)) : v.base })} · {formatTime(v.createdAt, format)} ·{" "}
                        <span data-testid="version-outputs">
                          {t("outputs", { n: v.outputs })}
                        </span>{" "}
                        · {t("snapshot")}{" "}
                        <span className="font-mono">{v.exportId ? v.exportId.slice(0, 8) : "—"}</span>
                        {v.runId && (
                          <>
                            {" · "}
                            <Link href={`/training/runs/${v.runId}`} className="text-indigo-600 underline dark:text-indigo-400">
                              {t("run")}
                            </Link>
                          </>
                        )}
                      </p>
                    </div>
                    {isAdmin && !v.isActive && v.kind === "policy" && (
                      <PromoteButton
                        projectSlug={project.slug}
                        versionId={v.id}
                        label={v.label}
                        gate={v.gateState}
                        judged={v.gate ? t("judged", { judged: v.gate.judgedPrompts, prompts: v.gate.prompts }) : null}
                      />
                    )}
                  </div>
                  {v.kind === "policy" && <GateLine v={v} canCompare={isAdmin && !v.isActive && hasActive} projectSlug={project.slug} />}
                  <ProgressLine what={t("progress.comparison")} p={v.comparison && (v.comparison.status !== "succeeded" || !v.gate) ? v.comparison : null} testId="comparison-progress" />
                  <ProgressLine what={t("progress.generation")} p={v.generation} testId="generation-progress" />
                  {metrics.length > 0 && (
                    <dl className="mt-3 grid grid-cols-2 gap-x-6 gap-y-1 text-sm sm:grid-cols-4" data-testid="version-metrics">
                      {metrics.map(([k, val]) => (
                        <div key={k}>
                          <dt className="text-xs text-slate-500" title={k}>
                            {metricLabel(k)}
                          </dt>
                          <dd className="tabular-nums">{formatMetric(val, format)}</dd>
                        </div>
                      ))}
                    </dl>
                  )}
                </li>
              );
            })}
          </ol>
        )}
      </Card>

      <LeaderboardCard board={board} />
    </div>
  );
}
