// Admin: upload a JSONL, JSON or gzipped file into a project; shows the import's summary or the bad row.
import Link from "next/link";
import { Card } from "@/app/_components/form";
import { requirePageRole } from "@/lib/auth/session";
import { formatNames } from "@/lib/formats/import";
import { listProjects } from "@/lib/projects/projects";
import { ImportForm } from "./import-form";

export default async function ImportPage({ searchParams }: { searchParams: Promise<{ project?: string }> }) {
  const actor = await requirePageRole("admin");
  const [projects, { project }] = await Promise.all([listProjects(actor), searchParams]);
  return (
    <div className="space-y-6" data-testid="import-page">
      <h1 className="text-2xl font-semibold">Import</h1>
      <Card>
        {projects.length === 0 ? (
          <p className="text-sm">
            Create a project first: <Link href="/admin/projects" className="text-indigo-600 underline dark:text-indigo-400">Projects</Link>.
          </p>
        ) : (
          <ImportForm projects={projects.map((p) => ({ slug: p.slug, name: p.name }))} formats={[...formatNames]} initialProject={project} />
        )}
      </Card>
      <p className="text-sm text-slate-500">
        Each file is imported in one transaction: a bad row stops the import and nothing is saved. Rows already in the project are skipped, so
        importing a file twice adds nothing. Imported prompts are approved and ready to rank; imported rankings are kept apart from human ones.
        Files up to 1 GB; for larger ones use <code>tuneloop import</code>.
      </p>
    </div>
  );
}
