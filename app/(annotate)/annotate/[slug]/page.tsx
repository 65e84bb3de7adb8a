// A project's annotation home: what each tab is for.
import Link from "next/link";
import { getTranslations } from "next-intl/server";
import { projectOrNotFound } from "@/app/_components/project-picker";
import { requirePageRole } from "@/lib/auth/session";

export default async function AnnotateProjectPage({ params }: { params: Promise<{ slug: string }> }) {
  const actor = await requirePageRole("annotator");
  const project = await projectOrNotFound(actor, (await params).slug);
  const base = `/annotate/${project.slug}`;
  const t = await getTranslations("annotate");
  const cards = [
    { href: `${base}/write`, title: t("tabs.write"), text: t("home.write") },
    { href: `${base}/rank`, title: t("tabs.rank"), text: t("home.rank", { k: project.settings.k }) },
    { href: `${base}/me`, title: t("tabs.me"), text: t("home.me") },
  ];

  return (
    <ul className="grid gap-4 sm:grid-cols-3" data-testid="annotate-project-page">
      {cards.map((c) => (
        <li key={c.href}>
          <Link href={c.href} className="block h-full rounded-lg border border-slate-200 bg-white p-5 shadow-sm hover:border-indigo-400 dark:border-slate-800 dark:bg-slate-900">
            <span className="font-medium">{c.title}</span>
            <span className="mt-1 block text-sm text-slate-600 dark:text-slate-400">{c.text}</span>
          </Link>
        </li>
      ))}
    </ul>
  );
}
