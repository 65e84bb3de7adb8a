// Write: the guidelines, my last draft reopened (or a new instruction) and the list of my prompts with their status.
import Link from "next/link";
import { getTranslations } from "next-intl/server";
import { Card } from "@/app/_components/form";
import { Markdown } from "@/app/_components/markdown";
import { projectOrNotFound } from "@/app/_components/project-picker";
import { requirePageRole } from "@/lib/auth/session";
import { getLastDraft, listMyPrompts } from "@/lib/prompts/write";
import { StatusBadge } from "../status-badge";
import { WriteForm } from "./write-form";

export default async function WritePage({ params, searchParams }: { params: Promise<{ slug: string }>; searchParams: Promise<{ draft?: string; submitted?: string; new?: string }> }) {
  const actor = await requirePageRole("annotator");
  const project = await projectOrNotFound(actor, (await params).slug);
  const { draft: draftId, submitted, new: fresh } = await searchParams;
  const mine = await listMyPrompts(actor, project.slug);
  // A plain visit (a reload included) reopens the draft last saved; `?new` and a just-submitted prompt start blank.
  const draft = draftId ? mine.find((p) => p.id === draftId && p.status === "draft") : submitted || fresh ? undefined : ((await getLastDraft(actor, project.slug)) ?? undefined);
  const justSubmitted = submitted ? mine.find((p) => p.id === submitted && p.status !== "draft") : undefined;
  const t = await getTranslations("write");
  return (
    <div className="grid gap-6 lg:grid-cols-[minmax(0,2fr)_minmax(0,1fr)]" data-testid="write-page">
      {justSubmitted && (
        <p role="status" data-testid="prompt-submitted" className="rounded-md bg-green-50 px-3 py-2 text-sm text-green-800 lg:col-span-2 dark:bg-green-950 dark:text-green-300">
          {t("submitted", { instruction: justSubmitted.instruction.slice(0, 100) })}
        </p>
      )}
      <details data-testid="guidelines" className="rounded-lg border border-slate-200 bg-white px-5 py-3 lg:col-span-2 dark:border-slate-800 dark:bg-slate-900">
        <summary className="cursor-pointer text-sm font-medium">{t("guidelines")}</summary>
        <div className="mt-2 text-sm">{project.guidelines.trim() ? <Markdown>{project.guidelines}</Markdown> : <p className="text-slate-500">{t("noGuidelines")}</p>}</div>
      </details>
      <Card title={draft ? t("continueDraft") : t("title")}>
        {draft && (
          <p className="mb-3 text-sm text-slate-600 dark:text-slate-400" data-testid="draft-reopened">
            {t("draftBack")}{" "}
            <Link href={`/annotate/${project.slug}/write?new=1`} data-testid="new-prompt" className="text-indigo-600 underline dark:text-indigo-400">
              {t("newPrompt")}
            </Link>{" "}
            {t("draftStays")}
          </p>
        )}
        <WriteForm
          // Keyed by the address, not by the draft: the refresh after a first autosave must not remount the form mid-typing.
          key={draftId ?? submitted ?? (fresh ? "new" : "last")}
          projectSlug={project.slug}
          categories={project.categories}
          draft={draft ? { id: draft.id, instruction: draft.instruction, input: draft.input ?? "", category: draft.category ?? "", demonstration: draft.demonstration } : undefined}
        />
      </Card>
      <Card title={t("myPrompts")}>
        {mine.length === 0 ? (
          <p className="text-sm text-slate-500 dark:text-slate-400">{t("nothingYet")}</p>
        ) : (
          <ul className="space-y-2 text-sm" data-testid="my-prompts">
            {mine.map((p) => (
              <li key={p.id} data-testid="my-prompt" data-status={p.status} className="flex items-start justify-between gap-2 border-b border-slate-100 pb-2 last:border-0 dark:border-slate-800">
                <span className="line-clamp-2 min-w-0">{p.instruction || <em className="text-slate-400">{t("emptyDraft")}</em>}</span>
                <span className="flex shrink-0 items-center gap-2">
                  <StatusBadge status={p.status} />
                  {p.status === "draft" && (
                    <Link href={`/annotate/${project.slug}/write?draft=${p.id}`} data-testid="reopen-draft" className="text-indigo-600 underline dark:text-indigo-400">
                      {t("reopen")}

                    </Link>
                  )}
                </span>
              </li>
            ))}
          </ul>
        )}
      </Card>
    </div>
  );
}
