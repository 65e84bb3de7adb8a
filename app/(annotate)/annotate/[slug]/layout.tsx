// One project's annotation area: its name and the Write · Rank · My work · Playground tabs.
import Link from "next/link";
import { getTranslations } from "next-intl/server";
import { projectOrNotFound } from "@/app/_components/project-picker";
import { Tabs } from "@/app/_components/tabs";
import { requirePageRole } from "@/lib/auth/session";

export default async function AnnotateProjectLayout({ params, children }: { params: Promise<{ slug: string }>; children: React.ReactNode }) {
  const actor = await requirePageRole("annotator");
  const { slug } = await params;
  const project = await projectOrNotFound(actor, slug);
  const base = `/annotate/${project.slug}`;
  const t = await getTranslations("annotate");
  return (
    <div className="space-y-6">
      <div className="flex items-baseline justify-between">
        <h1 className="text-2xl font-semibold" data-testid="project-name">
          {project.name}
        </h1>
        <Link href="/annotate" className="text-sm text-indigo-600 underline dark:text-indigo-400">
          {t("allProjects")}
        </Link>
      </div>
      <Tabs
        label={t("tabsLabel")}
        tabs={[
          { href: `${base}/write`, label: t("tabs.write"), testId: "tab-write" },
          { href: `${base}/seed`, label: t("tabs.seed"), testId: "tab-seed" },
          { href: `${base}/rank`, label: t("tabs.rank"), testId: "tab-rank" },
          { href: `${base}/conversations`, label: t("tabs.conversations"), testId: "tab-conversations" },
          { href: `${base}/me`, label: t("tabs.me"), testId: "tab-me" },
          { href: `${base}/playground`, label: t("tabs.playground"), testId: "tab-playground" },

        ]}
      />
      {children}
    </div>
  );
}
