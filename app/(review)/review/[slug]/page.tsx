// The review queue: submitted prompts, rewrites of model outputs and unsettled rankings, filtered by URL search params.
import Link from "next/link";
import { getTranslations } from "next-intl/server";
import { FormError } from "@/app/_components/form";
import { projectOrNotFound } from "@/app/_components/project-picker";
import { requirePageRole } from "@/lib/auth/session";
import { isAppError, parseInput } from "@/lib/errors";
import { listAnnotatorQuality } from "@/lib/quality/annotators";
import { listReviewQueue } from "@/lib/reviews/review";
import type { QueueItem } from "@/lib/reviews/queue-items";
import { reviewQueueInput } from "@/lib/validation/reviews";
import { ReviewQueue } from "./queue";

type Search = { kind?: string; category?: string; author?: string; maxAgreement?: string };

const one = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v) || undefined;

export default async function ReviewQueuePage({ params, searchParams }: { params: Promise<{ slug: string }>; searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const actor = await requirePageRole("reviewer");
  const project = await projectOrNotFound(actor, (await params).slug);
  const sp = await searchParams;
  const t = await getTranslations("review.filters");
  const filters: Search = { kind: one(sp.kind), category: one(sp.category), author: one(sp.author), maxAgreement: one(sp.maxAgreement) };

  let problem: string | null = null;
  let items: QueueItem[] = [];
  const authors = new Map<string, string>();
  try {
    const input = parseInput(
      reviewQueueInput,
      {
        projectSlug: project.slug,
        ...(filters.kind ? { kind: filters.kind } : {}),
        ...(filters.category ? { category: filters.category } : {}),
        ...(filters.author ? { authorId: filters.author } : {}),
        ...(filters.maxAgreement ? { maxAgreement: filters.maxAgreement } : {}),
      },
      "queue",
    );
    const queue = await listReviewQueue(actor, input);
    for (const p of queue.prompts) if (p.authorId) authors.set(p.authorId, p.authorName ?? "?");
    for (const d of queue.demonstrations) if (d.authorId) authors.set(d.authorId, d.authorName ?? "?");
    items = [
      ...queue.prompts.map((p): QueueItem => ({ kind: "prompt", id: p.id, instruction: p.instruction, input: p.input, category: p.category, authorName: p.authorName, demonstration: p.demonstration, history: queue.histories[p.id] })),
      ...queue.demonstrations.map((d): QueueItem => ({
        kind: "demonstration",
        id: d.id,
        instruction: d.instruction,
        input: d.input,
        category: d.category,
        authorName: d.authorName,
        text: d.text,
        parentText: d.parentText,
        history: queue.histories[d.promptId],
      })),
      ...queue.rankings.map((r): QueueItem => ({
        kind: "ranking",
        id: r.id,
        instruction: r.instruction,
        input: r.input,
        category: r.category,
        agreement: r.agreement,
        rankingCount: r.rankingCount,
        consensus: r.consensus?.order ?? null,
        completions: r.completions.map((c) => ({ id: c.id, text: c.text })),
        rankings: r.rankings.map((x) => ({ id: x.id, annotatorName: x.annotatorName, order: x.order, noneAcceptable: x.noneAcceptable, rationale: x.rationale, flags: x.flags })),
        questions: r.questions,
        suggestion: r.suggestion && { label: r.suggestion.label, order: r.suggestion.order, margin: r.suggestion.margin },
        history: queue.histories[r.id],
      })),
      ...queue.screenings.map((s): QueueItem => ({ kind: "screening", id: s.id, instruction: s.instruction, input: s.input, category: s.category, texts: s.texts, safety: s.safety })),
    ];
  } catch (e) {
    if (!isAppError(e) || e.kind !== "bad_request") throw e;
    problem = t("problem", { error: e.message.replace(/^Invalid input: /, "") });
  }
  for (const a of await listAnnotatorQuality(actor, project.slug)) authors.set(a.annotatorId, a.name);

  const select = "rounded-md border border-slate-300 bg-white px-2 py-1.5 text-sm dark:border-slate-700 dark:bg-slate-900";
  return (
    <div className="space-y-4" data-testid="review-queue-page">
      <form method="get" className="flex flex-wrap items-end gap-3 text-sm" data-testid="queue-filters">
        <label className="space-y-1">
          <span className="block text-xs text-slate-500 dark:text-slate-400">{t("kind")}</span>
          <select name="kind" defaultValue={filters.kind ?? ""} data-testid="filter-kind" className={select}>
            <option value="">{t("all")}</option>
            <option value="prompt">{t("prompts")}</option>
            <option value="demonstration">{t("rewrites")}</option>
            <option value="ranking">{t("rankings")}</option>
            <option value="screening">{t("screening")}</option>
          </select>
        </label>
        <label className="space-y-1">
          <span className="block text-xs text-slate-500 dark:text-slate-400">{t("category")}</span>
          <select name="category" defaultValue={filters.category ?? ""} data-testid="filter-category" className={select}>
            <option value="">{t("all")}</option>
            {project.categories.map((c) => (
              <option key={c}>{c}</option>
            ))}
          </select>
        </label>
        <label className="space-y-1">
          <span className="block text-xs text-slate-500 dark:text-slate-400">{t("author")}</span>
          <select name="author" defaultValue={filters.author ?? ""} data-testid="filter-author" className={select}>
            <option value="">{t("anyone")}</option>
            {[...authors].map(([id, name]) => (
              <option key={id} value={id}>
                {name}
              </option>
            ))}
          </select>
        </label>
        <label className="space-y-1">
          <span className="block text-xs text-slate-500 dark:text-slate-400">{t("maxAgreement")}</span>
          <input name="maxAgreement" type="number" min={0} max={1} step={0.05} defaultValue={filters.maxAgreement ?? ""} data-testid="filter-max-agreement" className={`${select} w-28`} />
        </label>
        <button type="submit" data-testid="filter-apply" className="rounded-md bg-indigo-600 px-3 py-1.5 font-medium text-white hover:bg-indigo-500">
          {t("apply")}
        </button>
        <Link href={`/review/${project.slug}`} className="py-1.5 text-indigo-600 underline dark:text-indigo-400">
          {t("clear")}

        </Link>
      </form>
      <FormError message={problem} />
      <ReviewQueue key={JSON.stringify(filters)} items={items} />
    </div>
  );
}
