// Conversations: a project's turns, newest first, each under the conversation before it; write the next user turn under a reply,
// or another assistant reply to a turn. Both are submitted for review.
import { getTranslations } from "next-intl/server";
import { projectOrNotFound } from "@/app/_components/project-picker";
import { requirePageRole } from "@/lib/auth/session";
import { listConversationTurns } from "@/lib/conversations/turns";
import { TurnCard } from "./turn-card";

export default async function ConversationsPage({ params }: { params: Promise<{ slug: string }> }) {
  const actor = await requirePageRole("annotator");
  const project = await projectOrNotFound(actor, (await params).slug);
  const turns = await listConversationTurns(actor, project.slug);
  const t = await getTranslations("conversations");
  return (
    <div className="space-y-4" data-testid="conversations-page">
      <p className="text-sm text-slate-600 dark:text-slate-400">
        {t("intro", { count: turns.length })}
      </p>
      {turns.length === 0 ? (
        <p className="text-sm text-slate-500">{t("none")}</p>

      ) : (
        <ol className="space-y-4">
          {turns.map((t) => (
            <TurnCard key={t.id} projectSlug={project.slug} turn={t} />
          ))}
        </ol>
      )}
    </div>
  );
}
