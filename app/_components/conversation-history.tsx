// A later turn's conversation so far (system message, earlier turns), shown above the turn being ranked, reviewed or continued.
import { useTranslations } from "next-intl";
import { Markdown } from "@/app/_components/markdown";

/** The conversation before the user turn being answered: system message and earlier turns, oldest first. */
export function ConversationHistory({ history }: { history: Array<{ role: string; content: string }> }) {
  const t = useTranslations("conversation");
  const label = (role: string) => (role === "user" ? t("user") : role === "assistant" ? t("assistant") : t("system"));
  return (
    <section data-testid="task-history" aria-label={t("soFar")} className="space-y-2 rounded-lg border border-slate-200 bg-slate-50 p-4 text-sm dark:border-slate-800 dark:bg-slate-900/60">
      <div className="text-xs uppercase tracking-wide text-slate-500 dark:text-slate-400">{t("soFar")}</div>
      {history.map((m, i) => (
        <div key={i} data-role={m.role} className={m.role === "user" ? "pe-8" : "ps-8"}>

          <div className="text-xs font-medium text-slate-500 dark:text-slate-400">{label(m.role)}</div>
          <Markdown>{m.content}</Markdown>
        </div>
      ))}
    </section>
  );
}
