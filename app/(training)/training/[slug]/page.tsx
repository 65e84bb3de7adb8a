// Training for one project: its runs, "Retrain now" and the retrain schedule (actions for admins).
import Link from "next/link";
import { getFormatter, getTranslations } from "next-intl/server";
import { Card } from "@/app/_components/form";
import { projectOrNotFound } from "@/app/_components/project-picker";
import { hasRole } from "@/lib/auth/roles";
import { requirePageRole } from "@/lib/auth/session";
import { listModelVersions, listRuns } from "@/lib/runs/runs";
import { listRunOptions } from "@/lib/runs/run-options";
import { getProjectBase, isLlamaFamily, listBaseModels } from "@/lib/runs/base-models";
import { getScheduleStatus } from "@/lib/runs/schedule";
import { StatusBadge, formatDuration, formatMetric, formatTime, runDuration, stageName } from "../format";
import { BaseModelForm } from "./base-model-form";
import { RetrainForm } from "./retrain-form";
import { ScheduleForm, ScheduleSummary } from "./schedule-form";

/** Whether a version's stored config is a Llama-family model's (Hugging Face's config.json: architectures, model_type). */
function llamaConfig(config: Record<string, unknown>): boolean {
  const arch = Array.isArray(config.architectures) ? String(config.architectures[0]) : "";
  return /^(Llama|Qwen2|Mistral)ForCausalLM$/.test(arch) || isLlamaFamily(typeof config.model_type === "string" ? config.model_type : null);
}

/** A few figures for the table: the registered version's metrics (eval and loss first), else the last train loss. */
function finalMetrics(run: { progress: Record<string, unknown> }, version?: { metrics: Record<string, number> }): Array<[string, unknown]> {
  const rank = (k: string) => (/eval/.test(k) ? 0 : /loss/.test(k) ? 1 : /accurac|margin/.test(k) ? 2 : 3);
  const keys = Object.keys(version?.metrics ?? {})
    .filter((k) => !k.startsWith("gate/"))
    .sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));
  if (keys.length) return keys.slice(0, 3).map((k) => [k, version!.metrics[k]]);
  return typeof run.progress.loss === "number" ? [["loss", run.progress.loss]] : [];
}

export default async function ProjectTrainingPage({ params }: { params: Promise<{ slug: string }> }) {
  const actor = await requirePageRole("reviewer");
  const { slug } = await params;
  const project = await projectOrNotFound(actor, slug);
  const isAdmin = hasRole(actor, "admin");
  const t = await getTranslations("training");
  const format = await getFormatter();
  const [runs, versions, schedule, runOptions, baseModels, projectBase] = await Promise.all([
    listRuns(actor, project.slug),
    listModelVersions(actor, project.slug),
    getScheduleStatus(actor, project.slug),
    listRunOptions(actor, project.slug),
    listBaseModels(actor),
    getProjectBase(actor, project.slug),
  ]);
  const ready = baseModels.filter((m) => m.status === "ready").map((m) => ({ id: m.id, name: m.name, family: m.family }));
  const active = versions.find((v) => v.isActive);
  // LoRA is offered where the base is Llama-family: imported models by family, versions by their config.
  const loraBases = [
    ...ready.filter((m) => isLlamaFamily(m.family)).map((m) => `model:${m.id}`),
    ...versions.filter((v) => llamaConfig(v.config)).map((v) => v.id),
    ...((active ? llamaConfig(active.config) : projectBase?.status === "ready" && projectBase.lora) ? ["active"] : []),
  ];
  const options = { ...runOptions, baseModels: ready, projectBase: projectBase?.status === "ready" ? projectBase.name : null, loraBases };
  const versionByRun = new Map(versions.filter((v) => v.runId).map((v) => [v.runId!, v]));
  const busy = runs.some((r) => r.status === "queued" || r.status === "running");
  return (
    <div className="space-y-6" data-testid="project-training-page">
      <div className="flex items-baseline justify-between">
        <h1 className="text-2xl font-semibold">{t("projectTitle", { name: project.name })}</h1>
        <div className="flex gap-4 text-sm">
          <Link href={`/models/${project.slug}`} className="text-indigo-600 underline dark:text-indigo-400">
            {t("modelVersions")}
          </Link>
          <Link href="/training" className="text-indigo-600 underline dark:text-indigo-400">
            {t("allProjects")}
          </Link>
        </div>
      </div>

      <Card title={t("runs")}>
        {runs.length === 0 ? (
          <p className="text-sm text-slate-600 dark:text-slate-400" data-testid="no-runs">
            {t("noRuns")}
          </p>
        ) : (
          <div className="overflow-x-auto">
            <table className="w-full text-start text-sm" data-testid="runs-table">
              <thead className="text-slate-500">
                <tr>
                  <th className="py-2 pe-4 font-medium">{t("col.started")}</th>
                  <th className="py-2 pe-4 font-medium">{t("col.status")}</th>
                  <th className="py-2 pe-4 font-medium">{t("col.stage")}</th>
                  <th className="py-2 pe-4 font-medium">{t("col.base")}</th>
                  <th className="py-2 pe-4 font-medium">{t("col.snapshot")}</th>
                  <th className="py-2 pe-4 font-medium">{t("col.duration")}</th>
                  <th className="py-2 pe-4 font-medium">{t("col.metrics")}</th>
                  <th className="py-2 font-medium">{t("col.result")}</th>
                </tr>
              </thead>
              <tbody className="divide-y divide-slate-100 dark:divide-slate-800">
                {runs.map((r) => {
                  const version = versionByRun.get(r.id);
                  const step = typeof r.progress.step === "number" ? r.progress.step : null;
                  const total = typeof r.progress.totalSteps === "number" ? r.progress.totalSteps : null;
                  return (
                    <tr key={r.id} data-testid={`run-row-${r.id}`}>
                      <td className="py-2 pe-4 whitespace-nowrap">
                        <Link href={`/training/runs/${r.id}`} className="text-indigo-600 underline dark:text-indigo-400">
                          {formatTime(r.createdAt, format)}
                        </Link>
                        {r.trigger !== "manual" && <span className="ms-1 text-xs text-slate-500">({r.trigger})</span>}
                      </td>
                      <td className="py-2 pe-4">
                        <StatusBadge status={r.status} />
                        {r.status === "running" && step != null && total ? <span className="ms-1 text-xs tabular-nums text-slate-500">{format.number(Math.round((100 * step) / total) / 100, { style: "percent" })}</span> : null}
                      </td>
                      <td className="py-2 pe-4">{stageName((k) => t(`stage.${k}`), r.stage)}</td>
                      <td className="py-2 pe-4 font-mono text-xs">{r.base}</td>
                      <td className="py-2 pe-4 font-mono text-xs">{r.exportId ? r.exportId.slice(0, 8) : t("fresh")}</td>
                      <td className="py-2 pe-4 tabular-nums">{formatDuration(runDuration(r), format)}</td>
                      <td className="py-2 pe-4 tabular-nums">
                        {finalMetrics(r, version)
                          .map(([k, v]) => `${k} ${formatMetric(v, format)}`)
                          .join(" · ") || "—"}
                      </td>
                      <td className="py-2">
                        {version ? (
                          <Link href={`/models/${project.slug}#v-${version.id}`} className="text-indigo-600 underline dark:text-indigo-400">
                            {version.label}
                          </Link>
                        ) : r.error ? (
                          <span className="text-xs text-red-700 dark:text-red-400" title={r.error}>
                            {r.error.length > 60 ? `${r.error.slice(0, 60)}…` : r.error}
                          </span>
                        ) : (
                          "—"
                        )}
                      </td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </div>
        )}
      </Card>

      <Card title={t("baseModel")}>
        <div className="space-y-3">
          <p className="text-sm text-slate-600 dark:text-slate-400" data-testid="project-base">
            {projectBase ? (
              t.rich("baseFrom", {
                name: projectBase.name,
                family: projectBase.family ? ` (${projectBase.family})` : "",
                b: (chunks) => <span className="font-medium">{chunks}</span>,
              })
            ) : (
              t("noBase")
            )}
          </p>
          {isAdmin && <BaseModelForm projectSlug={project.slug} models={ready} current={projectBase?.id ?? null} />}
        </div>
      </Card>

      {isAdmin && (
        <Card title={t("retrainNow")}>
          <RetrainForm projectSlug={project.slug} options={options} busy={busy} />
        </Card>
      )}

      <Card title={t("schedule")}>
        <div className="space-y-5">
          <ScheduleSummary status={schedule} />
          {isAdmin ? (
            <ScheduleForm projectSlug={project.slug} initial={schedule.schedule} loraAllowed={loraBases.includes("active")} />
          ) : (
            <p className="text-sm text-slate-500">{t("adminSetsSchedule")}</p>
          )}
        </div>
      </Card>
    </div>
  );
}
