// One training run: live progress, loss and DPO charts, the log tail, and Cancel for admins.
import Link from "next/link";
import { getTranslations } from "next-intl/server";
import { notFound } from "next/navigation";
import { hasRole } from "@/lib/auth/roles";
import { requirePageRole } from "@/lib/auth/session";
import { isAppError } from "@/lib/errors";
import { getRun } from "@/lib/runs/runs";
import { getRunProject } from "@/lib/runs/run-options";
import { RunLive } from "./run-live";

export default async function RunPage({ params }: { params: Promise<{ id: string }> }) {
  const actor = await requirePageRole("reviewer");
  const { id } = await params;
  const found = await Promise.all([getRun(actor, id), getRunProject(actor, id)]).catch((e) => {
    if (isAppError(e) && e.kind === "not_found") notFound();
    throw e;
  });
  const [{ run, metrics }, project] = found;
  const t = await getTranslations("training");
  return (
    <div className="space-y-6" data-testid="run-page">
      <div className="flex items-baseline justify-between">
        <h1 className="text-2xl font-semibold">
          {t.rich("run.title", { name: project.name, id: () => <span className="font-mono text-lg">{run.id.slice(0, 8)}</span> })}
        </h1>
        <div className="flex gap-4 text-sm">
          <Link href={`/training/${project.slug}`} className="text-indigo-600 underline dark:text-indigo-400">
            {t("run.allRuns")}
          </Link>
          <Link href={`/models/${project.slug}`} className="text-indigo-600 underline dark:text-indigo-400">
            {t("modelVersions")}
          </Link>
        </div>
      </div>
      <RunLive initialRun={run} initialMetrics={metrics} projectSlug={project.slug} canCancel={hasRole(actor, "admin")} />
    </div>
  );
}
