// Rank: the next task for this annotator (fetched by the client), or `?revise=<rankingId>` to change a submitted ranking.
import Link from "next/link";
import { notFound } from "next/navigation";
import { getTranslations } from "next-intl/server";
import { projectOrNotFound } from "@/app/_components/project-picker";
import { requirePageRole } from "@/lib/auth/session";
import { isAppError } from "@/lib/errors";
import { questionsOf } from "@/lib/questions/check";
import { getRankingForRevision, type RankingRevision } from "@/lib/rankings/mine";
import { Ranker } from "./ranker";

export default async function RankPage({ params, searchParams }: { params: Promise<{ slug: string }>; searchParams: Promise<{ revise?: string }> }) {
  const actor = await requirePageRole("annotator");
  const project = await projectOrNotFound(actor, (await params).slug);
  const { revise } = await searchParams;
  let revision: RankingRevision | null = null;
  let problem: string | null = null;
  if (revise) {
    try {
      revision = await getRankingForRevision(actor, revise);
      if (revision.projectSlug !== project.slug) notFound();
    } catch (e) {
      if (!isAppError(e)) throw e;
      if (e.kind === "not_found") notFound();
      problem = e.message;
    }
  }
  if (problem) {
    const t = await getTranslations("rank");
    return (
      <p role="alert" data-testid="revise-problem" className="text-slate-700 dark:text-slate-300">
        {problem}{" "}
        <Link href={`/annotate/${project.slug}/me`} className="text-indigo-600 underline dark:text-indigo-400">
          {t("backToMyWork")}

        </Link>
      </p>
    );
  }
  return <Ranker projectSlug={project.slug} revision={revision} questions={questionsOf(project.settings)} />;
}
