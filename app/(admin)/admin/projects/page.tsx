// Admin: the projects, and a form to create one.
import Link from "next/link";
import { Card } from "@/app/_components/form";
import { requirePageRole } from "@/lib/auth/session";
import { listProjects } from "@/lib/projects/projects";
import { defaultCategories, defaultProjectSettings } from "@/lib/validation/projects";
import { ProjectForm } from "./project-form";

export default async function ProjectsPage() {
  const actor = await requirePageRole("admin");
  const projects = await listProjects(actor);
  return (
    <div className="space-y-6" data-testid="projects-page">
      <h1 className="text-2xl font-semibold">Projects</h1>
      <Card title="Projects">
        {projects.length === 0 ? (
          <p className="text-sm text-slate-500" data-testid="projects-empty">
            No projects yet. Create the first one below.
          </p>
        ) : (
          <table className="w-full text-left text-sm">
            <thead className="text-slate-500">
              <tr>
                <th className="py-2">Name</th>
                <th>Slug</th>
                <th>k</th>
                <th>Overlap</th>
                <th>Categories</th>
              </tr>
            </thead>
            <tbody>
              {projects.map((p) => (
                <tr key={p.id} className="border-t border-slate-100 dark:border-slate-800" data-testid={`project-row-${p.slug}`}>
                  <td className="py-2">
                    <Link href={`/admin/projects/${p.slug}`} className="text-indigo-600 underline dark:text-indigo-400">
                      {p.name}
                    </Link>
                  </td>
                  <td className="font-mono">{p.slug}</td>
                  <td>{p.settings.k}</td>
                  <td>{p.settings.overlap}</td>
                  <td>{p.categories.length}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </Card>
      <Card title="New project">
        <ProjectForm mode="create" initial={{ slug: "", name: "", guidelines: "", categories: [...defaultCategories], settings: defaultProjectSettings }} />
      </Card>
    </div>
  );
}
