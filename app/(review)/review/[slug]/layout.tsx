// One project's review area: its name and the Queue · Annotators tabs.
import Link from "next/link";
import { projectOrNotFound } from "@/app/_components/project-picker";
import { Tabs } from "@/app/_components/tabs";
import { requirePageRole } from "@/lib/auth/session";

export default async function ReviewProjectLayout({ params, children }: { params: Promise<{ slug: string }>; children: React.ReactNode }) {
  const actor = await requirePageRole("reviewer");
  const project = await projectOrNotFound(actor, (await params).slug);
  const base = `/review/${project.slug}`;
  return (
    <div className="space-y-6">
      <div className="flex items-baseline justify-between">
        <h1 className="text-2xl font-semibold" data-testid="project-name">
          Review · {project.name}
        </h1>
        <Link href="/review" className="text-sm text-indigo-600 underline dark:text-indigo-400">
          All projects
        </Link>
      </div>
      <Tabs
        label="Review"
        tabs={[
          { href: base, label: "Queue", testId: "tab-queue", exact: true },
          { href: `${base}/annotators`, label: "Annotators", testId: "tab-annotators" },
          { href: `${base}/diversity`, label: "Diversity", testId: "tab-diversity" },
        ]}
      />
      {children}
    </div>
  );
}
