// Playground: chat with one of the project's versions or sources, or put two side by side, blind, and vote (Arena).
import { getTranslations } from "next-intl/server";
import { Card } from "@/app/_components/form";
import { projectOrNotFound } from "@/app/_components/project-picker";
import { requirePageRole } from "@/lib/auth/session";
import { getPlayground } from "@/lib/playground/playground";
import { ArenaPanel } from "./arena-panel";
import { ChatPanel } from "./chat-panel";
import { ModeTabs } from "./mode-tabs";

export default async function PlaygroundPage({ params, searchParams }: { params: Promise<{ slug: string }>; searchParams: Promise<{ mode?: string }> }) {
  const actor = await requirePageRole("annotator");
  const project = await projectOrNotFound(actor, (await params).slug);
  const view = await getPlayground(actor, project.slug);
  const mode = (await searchParams).mode === "arena" ? "arena" : "chat";
  const t = await getTranslations("playground");
  return (
    <div className="space-y-4" data-testid="playground-page">
      <ModeTabs projectSlug={project.slug} mode={mode} />
      {view.contenders.length === 0 ? (
        <Card>
          <p className="text-sm text-slate-600 dark:text-slate-400" data-testid="no-models">
            {t("noModels")}
          </p>
        </Card>
      ) : mode === "chat" ? (
        <ChatPanel projectSlug={project.slug} contenders={view.contenders} defaults={view.defaults} />
      ) : (
        <ArenaPanel projectSlug={project.slug} contenders={view.contenders} defaults={view.defaults} />
      )}
      {mode === "arena" && view.votes.length > 0 && (
        <Card title={t("recentVotes")}>

          <ul className="space-y-1 text-sm" data-testid="arena-votes">
            {view.votes.map((v) => (
              <li key={v.rankingId} data-testid="arena-vote" className="flex justify-between gap-3 border-b border-slate-100 pb-1 last:border-0 dark:border-slate-800">
                <span className="line-clamp-1 min-w-0">{v.instruction}</span>
                <span className="shrink-0 text-slate-600 dark:text-slate-400">{v.outcome}</span>
              </li>
            ))}
          </ul>
        </Card>
      )}
    </div>
  );
}
