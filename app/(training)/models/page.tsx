// Models: pick a project to see its model versions, their lineage and the leaderboard.
import { ProjectPicker } from "@/app/_components/project-picker";
import { requirePageRole } from "@/lib/auth/session";
import { listProjects } from "@/lib/projects/projects";

export default async function ModelsPage() {
  const actor = await requirePageRole("reviewer");
  const projects = await listProjects(actor);
  return (
    <div className="space-y-4" data-testid="models-page">
      <h1 className="text-2xl font-semibold">Models</h1>
      <p className="text-slate-600 dark:text-slate-400">Model versions, their lineage, and the leaderboard. Pick a project.</p>
      <ProjectPicker projects={projects} hrefBase="/models" empty="There are no projects yet. An admin creates them." />
    </div>
  );
}
