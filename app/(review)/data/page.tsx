// Data: pick a project to see and make its training snapshots.
import { requirePageRole } from "@/lib/auth/session";
import { listProjects } from "@/lib/projects/projects";
import { ProjectPicker } from "@/app/_components/project-picker";

export default async function DataPage() {
  const actor = await requirePageRole("reviewer");
  const projects = await listProjects(actor);
  return (
    <div className="space-y-4" data-testid="data-page">
      <h1 className="text-2xl font-semibold">Data</h1>
      <p className="text-slate-600 dark:text-slate-400">Curated, immutable snapshots of each project&apos;s data for training.</p>
      <ProjectPicker projects={projects} hrefBase="/data" empty="No projects yet." />
    </div>
  );
}
