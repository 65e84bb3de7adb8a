// One project's review area: its name and the Queue · Annotators tabs.
import Link from "next/link";
import { getTranslations } from "next-intl/server";
import { projectOrNotFound } from "@/app/_components/project-picker";
import { Tabs } from "@/app/_components/tabs";
import { requirePageRole } from "@/lib/auth/session";

export default async function ReviewProjectLayout({ params, children }: { params: Promise<{ slug: string }>; children: React.ReactNode }) {
  const actor = await requirePageRole("reviewer");
  const project = await projectOrNotFound(actor, (await params).slug);
  const base = `/review/${project.slug}`;
  const t = await getTranslations("review");
  return (
    <div className="space-y-6">
      <div className="flex items-baseline justify-between">
        <h1 className="text-2xl font-semibold" data-testid="project-name">
          {t("projectTitle", { name: project.name })}
        </h1>
        <Link href="/review" className="text-sm text-indigo-600 underline dark:text-indigo-400">
          {t("allProjects")}
        </Link>
      </div>
      <Tabs
        label={t("title")}
        tabs={[
          { href: base, label: t("tabs.queue"), testId: "tab-queue", exact: true },
          { href: `${base}/annotators`, label: t("tabs.annotators"), testId: "tab-annotators" },
          { href: `${base}/diversity`, label: t("tabs.diversity"), testId: "tab-diversity" },

        ]}
      />
      {children}
    </div>
  );
}
