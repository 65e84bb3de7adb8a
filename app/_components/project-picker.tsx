// Project list linking to a section's per-project page, and the page-side project lookup that 404s.
import Link from "next/link";
import { notFound } from "next/navigation";
import type { Actor } from "@/lib/auth/roles";
import { isAppError } from "@/lib/errors";
import { getProjectBySlug } from "@/lib/projects/projects";

/** For pages: the project, or the 404 page for an unknown slug. */
export async function projectOrNotFound(actor: Actor, slug: string) {
  return getProjectBySlug(actor, slug).catch((e) => {
    if (isAppError(e) && e.kind === "not_found") notFound();
    throw e;
  });
}

export function ProjectPicker({ projects, hrefBase, empty }: { projects: Array<{ slug: string; name: string }>; hrefBase: string; empty: string }) {
  if (projects.length === 0) {
    return (
      <p data-testid="no-projects" className="text-slate-600 dark:text-slate-400">
        {empty}
      </p>
    );
  }
  return (
    <ul className="grid gap-4 sm:grid-cols-2 lg:grid-cols-3" data-testid="project-list">
      {projects.map((p) => (
        <li key={p.slug}>
          <Link
            href={`${hrefBase}/${p.slug}`}
            data-testid={`project-${p.slug}`}
            className="block rounded-lg border border-slate-200 bg-white p-5 shadow-sm hover:border-indigo-400 dark:border-slate-800 dark:bg-slate-900"
          >
            <span className="font-medium">{p.name}</span>
            <span className="mt-1 block font-mono text-xs text-slate-500 dark:text-slate-400">{p.slug}</span>
          </Link>
        </li>
      ))}
    </ul>
  );
}
