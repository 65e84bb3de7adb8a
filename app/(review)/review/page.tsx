// Review: pick a project whose queue to work.
import { ProjectPicker } from "@/app/_components/project-picker";
import { requirePageRole } from "@/lib/auth/session";
import { listProjects } from "@/lib/projects/projects";

export default async function ReviewPage() {
  const actor = await requirePageRole("reviewer");
  const projects = await listProjects(actor);
  return (
    <div className="space-y-4" data-testid="review-page">
      <h1 className="text-2xl font-semibold">Review</h1>
      <p className="text-slate-600 dark:text-slate-400">Approve, reject or edit submitted prompts and rewrites; settle rankings that disagree; watch annotator quality.</p>
      <ProjectPicker projects={projects} hrefBase="/review" empty="There are no projects yet. An admin creates them." />
    </div>
  );
}
