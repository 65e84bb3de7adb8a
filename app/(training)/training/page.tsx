// Training: pick a project to see its runs and retrain schedule.
import { ProjectPicker } from "@/app/_components/project-picker";
import { requirePageRole } from "@/lib/auth/session";
import { listProjects } from "@/lib/projects/projects";

export default async function TrainingPage() {
  const actor = await requirePageRole("reviewer");
  const projects = await listProjects(actor);
  return (
    <div className="space-y-4" data-testid="training-page">
      <h1 className="text-2xl font-semibold">Training</h1>
      <p className="text-slate-600 dark:text-slate-400">Training runs and the retrain schedule. Pick a project.</p>
      <ProjectPicker projects={projects} hrefBase="/training" empty="There are no projects yet. An admin creates them." />
    </div>
  );
}
