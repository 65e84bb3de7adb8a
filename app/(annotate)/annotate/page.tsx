// Annotate: pick a project to write prompts for and rank outputs in.
import { ProjectPicker } from "@/app/_components/project-picker";
import { requirePageRole } from "@/lib/auth/session";
import { listProjects } from "@/lib/projects/projects";

export default async function AnnotatePage() {
  const actor = await requirePageRole("annotator");
  const projects = await listProjects(actor);
  return (
    <div className="space-y-4" data-testid="annotate-page">
      <h1 className="text-2xl font-semibold">Annotate</h1>
      <p className="text-slate-600 dark:text-slate-400">Pick a project: write instructions and demonstrations, rank model outputs.</p>
      <ProjectPicker projects={projects} hrefBase="/annotate" empty="There are no projects yet. An admin creates them." />
    </div>
  );
}
