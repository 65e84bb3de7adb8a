// Admin: edit one project (name, guidelines, categories, settings) and see its counts.
import Link from "next/link";
import { getFormatter, getTranslations } from "next-intl/server";
import { projectOrNotFound } from "@/app/_components/project-picker";
import { Card } from "@/app/_components/form";
import { requirePageRole } from "@/lib/auth/session";
import { getProjectStats } from "@/lib/stats/project-stats";
import { defaultProjectSettings } from "@/lib/validation/projects";
import { ProjectForm } from "../project-form";
import { getQueueMakeup } from "@/lib/rankings/queue-makeup";
import { QueueMakeupTable } from "./queue-card";
import { listCollectRuns } from "@/lib/sources/collect";
import { listSources } from "@/lib/sources/sources";
import { CollectPanel } from "./sources-collect";
import { SourcesPanel } from "./sources-panel";
import { listDeliveries, listWebhooks } from "@/lib/webhooks/webhooks";
import { WebhooksPanel } from "./webhooks-panel";
import { moderationStatus } from "@/lib/screening/moderate";
import { ScreeningPanel } from "./screening-panel";

export default async function ProjectPage({ params }: { params: Promise<{ slug: string }> }) {
  const actor = await requirePageRole("admin");
  const { slug } = await params;
  const project = await projectOrNotFound(actor, slug);
  const stats = await getProjectStats(actor, project.slug);
  const makeup = await getQueueMakeup(actor, project.slug);
  const [sources, collectRuns] = await Promise.all([listSources(actor, project.slug), listCollectRuns(actor, project.slug)]);
  const hooks = await listWebhooks(actor, project.slug);
  const screening = await moderationStatus(actor, project.slug);
  const webhooks = await Promise.all(hooks.map(async (hook) => ({ hook, deliveries: await listDeliveries(actor, { projectSlug: project.slug, id: hook.id, limit: 10 }) })));
  const t = await getTranslations("admin.project");
  const format = await getFormatter();
  const figures = [
    ["prompts", stats.prompts.total],
    ["approved", stats.prompts.approved],
    ["humanCompletions", stats.completions.human],
    ["modelOutputs", stats.completions.model + stats.completions.import],
    ["humanRankings", stats.rankings.human],
    ["importedRankings", stats.rankings.import],
    ["settled", stats.settledPrompts],
    ["leases", stats.openLeases],
  ] as const;
  return (
    <div className="space-y-6" data-testid="project-page">
      <div className="flex items-baseline justify-between">
        <h1 className="text-2xl font-semibold">{project.name}</h1>
        <div className="flex gap-4 text-sm">
          <Link href={`/admin/import?project=${project.slug}`} className="text-indigo-600 underline dark:text-indigo-400">
            {t("importFile")}
          </Link>
          <Link href="/admin/projects" className="text-indigo-600 underline dark:text-indigo-400">
            {t("allProjects")}
          </Link>
        </div>
      </div>
      <Card title={t("counts")}>
        <dl className="grid grid-cols-2 gap-x-6 gap-y-1 text-sm sm:grid-cols-4" data-testid="project-stats">
          {figures.map(([label, n]) => (
            <div key={label}>
              <dt className="text-slate-500">{t(`figures.${label}`)}</dt>
              <dd className="font-semibold tabular-nums">{format.number(n)}</dd>
            </div>
          ))}
        </dl>
      </Card>
      <Card title={t("queue")}>
        <QueueMakeupTable makeup={makeup} />
      </Card>
      <Card title={t("settings")}>
        <ProjectForm
          mode="edit"
          initial={{ slug: project.slug, name: project.name, guidelines: project.guidelines, categories: project.categories, settings: { ...defaultProjectSettings, ...project.settings } }}
        />
      </Card>
      <Card title={t("sources")}>
        <SourcesPanel projectSlug={project.slug} sources={sources} />
      </Card>
      <Card title={t("collect")}>
        <CollectPanel projectSlug={project.slug} sourceNames={sources.map((s) => s.name)} runs={collectRuns} />
      </Card>
      <Card title={t("screening")}>
        <ScreeningPanel projectSlug={project.slug} pii={project.settings.pii ?? "redact"} hold={project.settings.screeningHold ?? "hold"} status={screening} sources={sources.map((s) => ({ id: s.id, name: s.name }))} />
      </Card>
      <Card title={t("webhooks")}>
        <WebhooksPanel projectSlug={project.slug} webhooks={webhooks} />
      </Card>
    </div>
  );
}
