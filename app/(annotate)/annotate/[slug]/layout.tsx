// One project's annotation area: its name and the Write · Rank · My work · Playground tabs.
import Link from "next/link";
import { projectOrNotFound } from "@/app/_components/project-picker";
import { Tabs } from "@/app/_components/tabs";
import { requirePageRole } from "@/lib/auth/session";

export default async function AnnotateProjectLayout({ params, children }: { params: Promise<{ slug: string }>; children: React.ReactNode }) {
  const actor = await requirePageRole("annotator");
  const { slug } = await params;
  const project = await projectOrNotFound(actor, slug);
  const base = `/annotate/${project.slug}`;
  return (
    <div className="space-y-6">
      <div className="flex items-baseline justify-between">
        <h1 className="text-2xl font-semibold" data-testid="project-name">
          {project.name}
        </h1>
        <Link href="/annotate" className="text-sm text-indigo-600 underline dark:text-indigo-400">
          All projects
        </Link>
      </div>
      <Tabs
        label="Annotation"
        tabs={[
          { href: `${base}/write`, label: "Write", testId: "tab-write" },
          { href: `${base}/seed`, label: "From a seed", testId: "tab-seed" },
          { href: `${base}/rank`, label: "Rank", testId: "tab-rank" },
          { href: `${base}/conversations`, label: "Conversations", testId: "tab-conversations" },
          { href: `${base}/me`, label: "My work", testId: "tab-me" },
          { href: `${base}/playground`, label: "Playground", testId: "tab-playground" },
        ]}
      />
      {children}
    </div>
  );
}
